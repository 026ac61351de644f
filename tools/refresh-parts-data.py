"""Regenerates compiler/expand/data/parts.json: the part schema charmcraft and rockcraft check.

Development tool only (paasc never runs Python). Run with the venv that .ci/run creates:
    .venv/bin/python tools/refresh-parts-data.py
CI runs it with --check to prove the committed data still equals the tools' own models.

Both tools validate every part when they load the project (after applying extensions and
resolving `on <arch>` grammar): craft-parts' `_get_part_spec` (charmcraft: `process_part_config`)
needs a registered `plugin`, validates the plugin's properties class on the keys it names or that
start with `<plugin>-`, then `PartSpec` on the other keys. Before that, craft-application's
`GrammarAwareProject` checks the grammar-aware keys on the file as written. This script dumps, for
each tool, those three models' fields (as small type strings the Rust side reads) and the plugins
the tool registers, with their properties classes.

* charmcraft 4.5.0: read in this process, from the venv (craft-parts 2.37.2, craft-application
  7.5.0). Plugins: craft-parts' DEFAULT group plus `charmcraft.parts.get_app_plugins()`; charmcraft
  drops `charm` and `reactive` when a build base is not in `const.CHARM_PLUGIN_BASES`.
* rockcraft 1.20.0 (not on PyPI): its models are craft-parts' and craft-application's, at the
  versions the conformance corpus ran it with (craft-parts 2.33.1, craft-application 7.3.0;
  ../shared/conformance/README.md). Those two wheels are installed without dependencies into
  <venv>/oracles/rockcraft-1.20.0 and read in a subprocess. Rockcraft's plugin set is not
  craft-parts' default group: `LifecycleService.get_plugin_group` returns
  `rockcraft.plugins.groups.get_plugin_group(build_base)` (canonical/rockcraft,
  rockcraft/plugins/groups.py, register.py and python_common.py, read with the search tool at
  commits c0cbbb1e and 388cfcdc; tests/unit/plugins/test_groups.py at e282c37b). On the build
  bases ubuntu@20.04/22.04/24.04 it is `_ROCKCRAFT_DEFAULT` + dotnet (v1) + rockcraft's ant,
  maven, python, poetry and uv, which subclass craft-parts' plugins and keep their properties
  classes. Later build bases get the v2 Python plugin, no poetry or uv, and (since 1.19) bazel;
  the sources disagree on dotnet there, so that group is marked not strict (paasc reports a
  plugin name there only if no group of the tool has it).
"""
import enum
import json
import os
import subprocess
import sys
import types
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "compiler/expand/data/parts.json"
ROCKCRAFT_ORACLE = {"craft-parts": "2.33.1", "craft-application": "7.3.0"}

# rockcraft 1.20.0's plugin groups (see the module docstring), as craft-parts class paths.
_ROCKCRAFT_DEFAULT = {
    "ant": "craft_parts.plugins.ant_plugin.AntPlugin",
    "autotools": "craft_parts.plugins.autotools_plugin.AutotoolsPlugin",
    "cargo-use": "craft_parts.plugins.cargo_use_plugin.CargoUsePlugin",
    "cmake": "craft_parts.plugins.cmake_plugin.CMakePlugin",
    "dump": "craft_parts.plugins.dump_plugin.DumpPlugin",
    "go": "craft_parts.plugins.go_plugin.GoPlugin",
    "go-use": "craft_parts.plugins.go_use_plugin.GoUsePlugin",
    "gradle": "craft_parts.plugins.gradle_plugin.GradlePlugin",
    "jlink": "craft_parts.plugins.jlink_plugin.JLinkPlugin",
    "make": "craft_parts.plugins.make_plugin.MakePlugin",
    "maven": "craft_parts.plugins.maven_plugin.MavenPlugin",
    "maven-use": "craft_parts.plugins.maven_use_plugin.MavenUsePlugin",
    "meson": "craft_parts.plugins.meson_plugin.MesonPlugin",
    "nil": "craft_parts.plugins.nil_plugin.NilPlugin",
    "npm": "craft_parts.plugins.npm_plugin.NpmPlugin",
    "qmake": "craft_parts.plugins.qmake_plugin.QmakePlugin",
    "rust": "craft_parts.plugins.rust_plugin.RustPlugin",
    "scons": "craft_parts.plugins.scons_plugin.SConsPlugin",
}
ROCKCRAFT_GROUPS = [
    {
        "bases": ["ubuntu@20.04", "ubuntu@22.04", "ubuntu@24.04"],
        "strict": True,
        "plugins": _ROCKCRAFT_DEFAULT
        | {
            "dotnet": "craft_parts.plugins.dotnet_plugin.DotnetPlugin",
            "python": "craft_parts.plugins.python_plugin.PythonPlugin",
            "poetry": "craft_parts.plugins.poetry_plugin.PoetryPlugin",
            "uv": "craft_parts.plugins.uv_plugin.UvPlugin",
        },
    },
    {
        "bases": "*",
        "strict": False,
        "plugins": _ROCKCRAFT_DEFAULT
        | {
            "bazel": "craft_parts.plugins.bazel_plugin.BazelPlugin",
            "dotnet": "craft_parts.plugins.dotnet_v2_plugin.DotnetV2Plugin",
            "python": "craft_parts.plugins.python_v2.python_plugin.PythonPlugin",
        },
    },
]


def load(path):
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


def grammar_inner(cls):
    """The `T` of a craft-grammar `Grammar[T]` class (kept in its validator's closure)."""
    func = cls.validate.__func__
    cells = dict(zip(func.__code__.co_freevars, func.__closure__ or ()))
    return cells["type_"].cell_contents


def ty(t):
    """A pydantic annotation as the type string the Rust side reads."""
    from craft_parts.permissions import Permissions

    origin, args = typing.get_origin(t), typing.get_args(t)
    if t is str:
        return "str"
    if t is int:
        return "int"
    if t is bool:
        return "bool"
    if t is Permissions:
        return "permissions"
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return "literal(" + "|".join(str(m.value) for m in t) + ")"
    if isinstance(t, type) and t.__name__ == "GrammarScalar":
        return "grammar[" + ty(grammar_inner(t)) + "]"
    if origin is typing.Literal:
        return "literal(" + "|".join(str(a) for a in args) + ")"
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        inner = "|".join(ty(a) for a in rest)
        return inner + "?" if len(rest) < len(args) else inner
    if origin is typing.Annotated:
        base, *meta = args
        names = {getattr(getattr(m, "func", None), "__name__", "") for m in meta}
        schema = next((m.json_schema for m in meta if hasattr(m, "json_schema")), {})
        if "_validate_relative_path_str" in names:
            return "relpath"
        if schema.get("description") == "Chisel slice reference":
            return "slice"
        if "_validate_list_is_unique" in names:
            return "u" + ty(base)
        bounds = {}
        for m in meta:
            for inner in [m, *getattr(m, "metadata", [])]:
                for bound in ("min_length", "max_length"):
                    if isinstance(getattr(inner, bound, None), int):
                        bounds[bound] = getattr(inner, bound)
        if bounds == {"min_length": 1, "max_length": 1} and typing.get_origin(base) is dict:
            return "dict1" + ty(base)[4:]
        if bounds:
            raise SystemExit(f"unhandled constrained annotation {t!r}")
        return ty(base)
    if origin in (list, set, dict):
        return f"{origin.__name__}[" + ",".join(ty(a) for a in args) + "]"
    raise SystemExit(f"unhandled annotation {t!r}")


def fields(model):
    """`{alias: {type, required?}}` in declaration order."""
    out = {}
    for name, f in model.model_fields.items():
        annotation = typing.Annotated[(f.annotation, *f.metadata)] if f.metadata else f.annotation
        entry = {"type": ty(annotation)}
        if f.is_required():
            entry["required"] = True
        out[f.alias or name] = entry
    return out


def plugin(path):
    cls = load(path) if isinstance(path, str) else path
    props = cls.properties_class
    config = props.model_config
    if config.get("extra") != "forbid":
        raise SystemExit(f"{props.__name__}: extra is {config.get('extra')!r}, not 'forbid'")
    out = {
        "class": f"{cls.__module__}.{cls.__name__}",
        "prefix": props.model_fields["plugin"].default or "",
        "properties": fields(props),
    }
    if config.get("coerce_numbers_to_str"):
        out["coerce-numbers"] = True
    attributes = sorted(cls.supported_build_attributes())
    if attributes:
        out["build-attributes"] = attributes
    validators = props.__pydantic_decorators__
    checks = sorted([*validators.field_validators, *validators.model_validators])
    if checks:
        out["unported-validators"] = checks
    return out


def models(versions):
    """The models both tools share, from whatever craft-parts/craft-application is importable."""
    import craft_application
    import craft_parts
    from craft_application import _const
    from craft_application.models.grammar import _GrammarAwarePart
    from craft_parts.parts import PartSpec
    from craft_parts.permissions import Permissions

    got = {"craft-parts": craft_parts.__version__, "craft-application": craft_application.__version__}
    for name, want in versions.items():
        if got.get(name) != want:
            raise SystemExit(f"{name} is {got.get(name)}, expected {want}")
    if PartSpec.model_config.get("extra") != "forbid":
        raise SystemExit("PartSpec no longer forbids extra keys")
    return {
        "versions": got,
        "slash-part-name-bases": list(_const.BASES_ALLOW_SLASH_IN_PART_NAME),
        "grammar": fields(_GrammarAwarePart),
        "part": fields(PartSpec),
        "part-coerce-numbers": bool(PartSpec.model_config.get("coerce_numbers_to_str")),
        "permissions": fields(Permissions),
    }


def charmcraft():
    import charmcraft as cc
    import craft_parts
    from charmcraft import const, parts
    from charmcraft.application.main import APP_METADATA
    from craft_parts.plugins.plugins import PluginGroup

    out = {"versions": {"charmcraft": cc.__version__}}
    shared = models({"craft-parts": "2.37.2", "craft-application": "7.5.0"})
    out["versions"] |= shared.pop("versions")
    out |= shared
    features = craft_parts.Features()
    out["features"] = {
        "overlay": features.enable_overlay,
        "build-slices": bool(APP_METADATA.enable_build_slices or features.enable_build_slices),
    }
    out["implicit-plugin"] = True
    registered = dict(PluginGroup.DEFAULT.value) | parts.get_app_plugins()
    everything = {name: plugin(cls) for name, cls in sorted(registered.items())}
    legacy = sorted({"charm", "reactive"})
    out["groups"] = [
        {"bases": sorted(const.CHARM_PLUGIN_BASES), "strict": True, "plugins": everything},
        {
            "bases": "*",
            "strict": True,
            "plugins": {k: v for k, v in everything.items() if k not in legacy},
            "refused": legacy,
        },
    ]
    return out


def rockcraft():
    """Runs in the subprocess whose PYTHONPATH starts with the rockcraft oracle."""
    out = {"versions": {"rockcraft": "1.20.0"}}
    shared = models(ROCKCRAFT_ORACLE)
    out["versions"] |= shared.pop("versions")
    out |= shared
    # rockcraft's lifecycle service enables overlays (Features(enable_overlay=True)); the
    # oracle's craft-parts has no build-slices key at all.
    out["features"] = {"overlay": True, "build-slices": False}
    out["implicit-plugin"] = False
    out["groups"] = [
        {
            "bases": g["bases"],
            "strict": g["strict"],
            "plugins": {name: plugin(path) for name, path in sorted(g["plugins"].items())},
        }
        for g in ROCKCRAFT_GROUPS
    ]
    return out


def oracle_dir():
    venv = Path(sys.prefix)
    target = venv / "oracles" / "rockcraft-1.20.0"
    marker = target / ".complete"
    if not marker.exists():
        pins = [f"{k}=={v}" for k, v in ROCKCRAFT_ORACLE.items()]
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--no-deps", "--target", str(target), *pins],
            check=True,
        )
        marker.write_text(" ".join(pins) + "\n")
    return target


def render():
    env = dict(os.environ, PYTHONPATH=str(oracle_dir()))
    rock = subprocess.run(
        [sys.executable, __file__, "--dump-rockcraft"], env=env, check=True,
        stdout=subprocess.PIPE, text=True,
    ).stdout
    doc = {
        "_generated": "by tools/refresh-parts-data.py from the tools' own models; do not edit",
        "charmcraft": charmcraft(),
        "rockcraft": json.loads(rock),
    }
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def main():
    if "--dump-rockcraft" in sys.argv:
        print(json.dumps(rockcraft()))
        return
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"stale part data: {OUT.relative_to(ROOT)} (run tools/refresh-parts-data.py)", file=sys.stderr)
            sys.exit(1)
        print("part data: current")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"part data: written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

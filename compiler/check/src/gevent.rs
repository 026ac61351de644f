//! `webserver-worker-class: gevent` needs gevent in the rock: paas-charm runs
//! `python3 -c "import gevent"` in the container and blocks the unit when it fails.

use paasc_diag::{Code, Diagnostic, FileId, Span};
use paasc_model::profile::{Profile, Scalar};
use paasc_syntax::{Tree, Yaml};

/// Whether a requirement file of the rock names gevent (as a package or an extra, such as
/// `gunicorn[gevent]`).
fn rock_has_gevent(dir: &paasc_expand::ProjectDir) -> bool {
    let mentions = |line: &str| {
        let line = line
            .split('#')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .any(|word| word == "gevent")
    };
    ["requirements.txt", "pyproject.toml"]
        .iter()
        .filter_map(|f| dir.texts.get(*f))
        .any(|text| text.lines().any(mentions))
}

/// The `P004` diagnostic when the configured worker class is gevent and the rock lacks it.
pub fn check(
    profile: &Profile,
    charm: &Yaml,
    charm_tree: &Tree,
    framework: &str,
    rock_dir: &paasc_expand::ProjectDir,
    anchor: FileId,
    charm_file: FileId,
) -> Option<Diagnostic> {
    const OPTION: &str = "webserver-worker-class";
    let given = profile.config.iter().find(|(k, _)| k.value == OPTION);
    let class = match given {
        Some((_, v)) => match &v.value {
            Scalar::Str(s) => Some(s.as_str()),
            _ => None,
        },
        None => charm
            .get("config")
            .and_then(|c| c.get("options"))
            .and_then(|o| o.get(OPTION))
            .and_then(|o| o.get("default"))
            .and_then(Yaml::as_str),
    };
    if class != Some("gevent") || rock_has_gevent(rock_dir) {
        return None;
    }
    let (file, span) = match given {
        Some((_, v)) => (profile.origin("config", OPTION).unwrap_or(anchor), v.span),
        None => {
            let default = charm_tree
                .lookup(&["config", "options", OPTION, "default"])
                .map(|e| charm_tree.span(e.value));
            default.map_or((anchor, Span::point(0)), |s| (charm_file, s))
        }
    };
    let d = Diagnostic::new(
            Code::UNIT_NOT_ACTIVE,
            file,
            span,
            format!(
                "paas-charm would leave the unit blocked: gunicorn[gevent] must be installed in the rock. https://bit.ly/{framework}-async-doc"
            ),
        )
        .label("gevent workers, but the rock's requirements do not install gevent")
        .help("add `gevent` to requirements.txt (rockcraft then also starts gunicorn with `-k gevent`), or use `sync`");
    Some(if file == anchor {
        d
    } else {
        d.secondary(anchor, Span::point(0), "with this profile")
    })
}

#[cfg(test)]
mod tests {
    use super::rock_has_gevent;

    fn dir(text: &str) -> paasc_expand::ProjectDir {
        let mut d = paasc_expand::ProjectDir::default();
        d.texts.insert("requirements.txt".into(), text.into());
        d
    }

    #[test]
    fn gevent_is_found_as_a_package_or_an_extra_but_not_in_comments_or_other_names() {
        assert!(rock_has_gevent(&dir("flask\ngevent==24.2\n")));
        assert!(rock_has_gevent(&dir("gunicorn[gevent]~=23.0\n")));
        assert!(!rock_has_gevent(&dir("flask\n# gevent later\n")));
        assert!(!rock_has_gevent(&dir("flask\ngevent-websocket\n")));
        assert!(!rock_has_gevent(&paasc_expand::ProjectDir::default()));
    }
}

//! C016: a `requires` endpoint paas-charm never reads (another interface, or a known interface
//! on an endpoint with another name than the one paas-charm reads it from). When the charm's own
//! code mentions the endpoint, the charm may hand its data to the app itself, so this is only
//! noted.

use super::{CharmCx, Stage};
use paasc_diag::{Diagnostic, Severity, Span};
use paasc_runtime::{Integration, TABLE};

paasc_diag::declare_code!(
    pub CODE = "C016", "integration-not-read", Warning,
    "paas-charm never reads this integration's data.",
    EXPLANATION
);

/// The explanation's text before the endpoints paas-charm reads.
const HEAD: &str =
    "paas-charm reads a fixed set of integrations, each from an endpoint with a fixed name:\n";

/// The explanation's text after the endpoints paas-charm reads (its first paragraph, which the
/// list begins, is one line until [`WIDTH`] wraps it).
const TAIL: &str = " Any other `requires` endpoint is accepted by charmcraft and Juju, but its \
data never reaches the app's environment.

Charms often subclass paas-charm's charm class in `src/charm.py` and handle such an endpoint
themselves (an `amqp` endpoint, an `nginx-route` requirer). When the charm's code mentions the
endpoint (its name in quotes, or `<name>_relation_...` events), paasc only notes, as information,
that paas-charm does not read it.

Example:

    requires:
      db:
        interface: postgresql_client    # read only from an endpoint named `postgresql`

Fix: rename the endpoint to the name paas-charm reads, or get the data some other way.";

/// The column the explanation is wrapped at.
const WIDTH: usize = 98;

/// `paasc explain C016`: the endpoints are those of paas-charm's integration table, so a new row
/// is listed without editing the text.
const EXPLANATION: &str = match std::str::from_utf8(&EXPLANATION_BYTES) {
    Ok(text) => text,
    Err(_) => panic!("C016's explanation is not UTF-8"),
};
const EXPLANATION_LEN: usize = explain::<0>(TABLE).len;
const EXPLANATION_BYTES: [u8; EXPLANATION_LEN] = explain::<EXPLANATION_LEN>(TABLE).bytes;

/// A text built at compile time: its first `N` bytes, and the length of all of it.
struct Text<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    const fn push(&mut self, s: &str) {
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() {
            if self.len < N {
                self.bytes[self.len] = s[i];
            }
            self.len += 1;
            i += 1;
        }
    }

    /// Pushes `name` in backticks.
    const fn code(&mut self, name: &str) {
        self.push("`");
        self.push(name);
        self.push("`");
    }

    /// Pushes what comes before the item `at` of a list of `count`, `last` before the last.
    const fn separator(&mut self, at: usize, count: usize, last: &str) {
        if at > 0 {
            self.push(if at + 1 < count { ", " } else { last });
        }
    }
}

/// How the explanation lists a row of the table.
#[derive(Clone, Copy)]
enum Listed {
    /// A database, read from a fixed name once any endpoint has its interface.
    Database,
    /// Read from an endpoint of a fixed name.
    Named,
    /// Read from an endpoint of any name with its interface.
    AnyName,
}

/// How `row` is listed; `None` when the charm's `requires` does not hold it.
const fn listed(row: &Integration) -> Option<Listed> {
    match row.requirer.requires_name() {
        None => None,
        Some(None) => Some(Listed::AnyName),
        Some(Some(_)) if row.is_database() => Some(Listed::Database),
        Some(Some(_)) => Some(Listed::Named),
    }
}

/// The `k`-th row listed as `how`, in the order paas-charm creates the requirers.
const fn nth(table: &'static [Integration], how: Listed, k: usize) -> Option<&'static Integration> {
    let mut seen = 0;
    let mut init = 0;
    while init <= u8::MAX as usize {
        let mut i = 0;
        while i < table.len() {
            let row = &table[i];
            if row.init as usize == init {
                if let Some(l) = listed(row) {
                    if l as u8 == how as u8 {
                        if seen == k {
                            return Some(row);
                        }
                        seen += 1;
                    }
                }
            }
            i += 1;
        }
        init += 1;
    }
    None
}

/// How many rows are listed as `how`.
const fn count(table: &'static [Integration], how: Listed) -> usize {
    let mut n = 0;
    while nth(table, how, n).is_some() {
        n += 1;
    }
    n
}

/// The name `paasc check` expects for a row listed by name.
const fn name(row: &Integration) -> &'static str {
    match row.requirer.requires_name() {
        Some(Some(name)) => name,
        _ => row.name,
    }
}

/// Whether `s` ends with `suffix`.
const fn ends_with(s: &str, suffix: &str) -> bool {
    let (s, suffix) = (s.as_bytes(), suffix.as_bytes());
    if suffix.len() > s.len() {
        return false;
    }
    let mut i = 0;
    while i < suffix.len() {
        if s[s.len() - suffix.len() + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The explanation for `table`: the databases, the fixed names, then the interfaces read from
/// any name, as one sentence; wrapped at [`WIDTH`] when `N` bytes hold all of it.
const fn explain<const N: usize>(table: &'static [Integration]) -> Text<N> {
    let mut t = Text {
        bytes: [0; N],
        len: 0,
    };
    t.push(HEAD);
    let databases = count(table, Listed::Database);
    let named = count(table, Listed::Named);
    let any = count(table, Listed::AnyName);
    let phrases = (databases > 0) as usize + named + (any > 0) as usize;
    let and = if phrases > 2 { ", and " } else { " and " };
    let mut at = 0;
    if databases > 0 {
        t.separator(at, phrases, and);
        at += 1;
        let mut k = 0;
        while let Some(row) = nth(table, Listed::Database, k) {
            assert!(
                ends_with(row.interface, "_client"),
                "C016's explanation says the databases' interfaces are `*_client`"
            );
            t.separator(k, databases, " and ");
            t.code(name(row));
            k += 1;
        }
        t.push(" (the `*_client` interfaces)");
    }
    let mut k = 0;
    while let Some(row) = nth(table, Listed::Named, k) {
        t.separator(at, phrases, and);
        at += 1;
        t.code(name(row));
        k += 1;
    }
    if any > 0 {
        t.separator(at, phrases, and);
        t.push("any endpoint with the ");
        let mut k = 0;
        while let Some(row) = nth(table, Listed::AnyName, k) {
            if k > 0 {
                t.push(" or ");
            }
            t.code(row.interface);
            k += 1;
        }
        t.push(if any > 1 { " interfaces" } else { " interface" });
    }
    t.push(".");
    t.push(TAIL);
    if t.len <= N {
        wrap(&mut t.bytes, t.len, WIDTH);
    }
    t
}

/// Breaks the lines of the first `len` bytes of `text` longer than `width` at their last space
/// that keeps them within it.
const fn wrap(text: &mut [u8], len: usize, width: usize) {
    let mut start = 0;
    let mut space = None;
    let mut i = 0;
    while i <= len {
        if i == len || text[i] == b' ' || text[i] == b'\n' {
            if i - start > width {
                if let Some(s) = space {
                    text[s] = b'\n';
                    start = s + 1;
                }
            }
            if i < len && text[i] == b'\n' {
                start = i + 1;
                space = None;
            } else {
                space = Some(i);
            }
        }
        i += 1;
    }
}

pub(super) const STAGE: Stage = Stage::Charm {
    reads: &["requires"],
    run: check,
};

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let read = paasc_runtime::read_by_paas_charm();
    let requires: Vec<(&str, &str)> = cx
        .entries(&["requires"])
        .into_iter()
        .map(|(name, decl)| {
            let interface = cx.get(decl, "interface").and_then(|i| cx.str(i));
            (name, interface.unwrap_or(""))
        })
        .collect();
    let mut out = Vec::new();
    for (name, interface) in requires {
        if read
            .iter()
            .any(|(n, i)| *i == interface && n.is_none_or(|n| n == name))
        {
            continue;
        }
        let Some(span) = cx.key(&["requires", name]) else {
            continue;
        };
        let reads = match read.iter().find(|(_, i)| *i == interface) {
            Some((Some(n), _)) => format!(
                "paas-charm reads the `{interface}` interface only from an endpoint named `{n}`: rename `{name}` to `{n}`"
            ),
            _ => format!(
                "paas-charm 1.12.3 reads only these interfaces: {}; the app has to get this data some other way",
                read.iter().map(|(_, i)| *i).collect::<Vec<_>>().join(", ")
            ),
        };
        if let Some((path, at, what)) = mention(cx, name, interface) {
            let id = cx.db.add(
                crate::display(&cx.dir.root.join(&path)),
                cx.dir.code.get(&path).cloned().unwrap_or_default(),
            );
            out.push(
                Diagnostic::new(
                    CODE,
                    cx.file,
                    span,
                    format!("paas-charm does not read the `{name}` integration (interface `{interface}`); the charm's own code handles it"),
                )
                .severity(Severity::Info)
                .label("read by the charm's code, not by paas-charm")
                .secondary(id, at, what)
                .help(format!("nothing to do if {path} passes the data on to the app; otherwise: {reads}")),
            );
            continue;
        }
        out.push(
            Diagnostic::new(
                CODE,
                cx.file,
                span,
                format!("paas-charm never reads the `{name}` integration (interface `{interface}`), so its data never reaches the app"),
            )
            .label("not read by paas-charm")
            .help(reads),
        );
    }
    out
}

/// The first place the charm's code handles the endpoint `name` of `interface`, with what it
/// does there: names it as a string literal (`"amqp"`, `'nginx-route'`) or in an event name
/// (`amqp_relation_changed`), or imports a charm library of the interface
/// (`from charms.nginx_ingress_integrator.v0.nginx_route import ...`). `src/charm.py` is looked
/// at first.
fn mention(cx: &CharmCx, name: &str, interface: &str) -> Option<(String, Span, String)> {
    let event = format!("{}_relation_", name.replace('-', "_"));
    let needles = [format!("\"{name}\""), format!("'{name}'"), event];
    let first = "src/charm.py";
    let files = cx
        .dir
        .code
        .get_key_value(first)
        .into_iter()
        .chain(cx.dir.code.iter().filter(|(p, _)| p.as_str() != first));
    for (path, text) in files {
        let named = needles
            .iter()
            .filter_map(|n| text.find(n.as_str()).map(|i| (i, n.len())))
            .min()
            .map(|(start, len)| (start, len, "the charm's code uses the endpoint here".to_string()));
        let found = named.or_else(|| {
            library_import(text, interface).map(|(start, len)| {
                let what = format!("the charm's code uses a `{interface}` library here");
                (start, len, what)
            })
        });
        if let Some((start, len, what)) = found {
            return Some((path.clone(), Span::new(start, start + len), what));
        }
    }
    None
}

/// Where `text` imports a charm library of `interface` (a `charms.` module whose path has a
/// component named after it), as the offset and length of the module path.
fn library_import(text: &str, interface: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let module = trimmed
            .strip_prefix("from ")
            .or_else(|| trimmed.strip_prefix("import "))
            .and_then(|rest| rest.split_whitespace().next())
            .filter(|m| m.starts_with("charms."));
        if let Some(m) = module.filter(|m| m.split('.').any(|part| part == interface)) {
            let start = offset + (line.len() - trimmed.len()) + trimmed.find(m).unwrap_or(0);
            return Some((start, m.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{charm_diagnostics, charm_findings};

    /// The explanation `explain` makes for `table`.
    fn explanation(table: &'static [Integration]) -> String {
        let text = explain::<4096>(table);
        String::from_utf8(text.bytes[..text.len].to_vec()).unwrap()
    }

    /// The endpoint names (or interfaces, for any name) the explanation's list names.
    fn listed_names(explanation: &str) -> Vec<String> {
        let list = explanation
            .split_once(':')
            .and_then(|(_, rest)| rest.split_once('.'))
            .map(|(list, _)| list)
            .unwrap();
        list.split('`')
            .skip(1)
            .step_by(2)
            .filter(|name| *name != "*_client")
            .map(String::from)
            .collect()
    }

    /// The names `check` matches endpoints against, for `table`: the fixed names, and the
    /// interfaces read from any name.
    fn read_names(table: &[Integration]) -> Vec<String> {
        let mut names: Vec<String> = table
            .iter()
            .filter_map(|r| Some(r.requirer.requires_name()?.unwrap_or(r.interface).to_string()))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_explanation_lists_exactly_the_endpoints_of_the_table() {
        let mut listed = listed_names(EXPLANATION);
        listed.sort();
        let mut checked: Vec<String> = paasc_runtime::read_by_paas_charm()
            .into_iter()
            .map(|(name, interface)| name.unwrap_or(interface).to_string())
            .collect();
        checked.sort();
        assert_eq!(listed, checked);
        assert!(EXPLANATION.contains("`postgresql`, `mysql` and `mongodb` (the `*_client` interfaces), `redis`"));
        assert!(EXPLANATION.contains("`http-proxy`, and any endpoint with the `oauth`\ninterface."));
    }

    #[test]
    fn adding_or_removing_a_row_changes_the_explanation() {
        for end in 0..=TABLE.len() {
            let mut listed = listed_names(&explanation(&TABLE[..end]));
            listed.sort();
            assert_eq!(listed, read_names(&TABLE[..end]), "the first {end} rows");
        }
        assert_eq!(explanation(TABLE), EXPLANATION);
        assert!(!explanation(&TABLE[1..]).contains("`openfga`"));
    }

    #[test]
    fn the_explanation_is_wrapped() {
        assert!(EXPLANATION.lines().all(|l| l.len() <= WIDTH));
        assert!(EXPLANATION.contains("fixed name:\n`postgresql`"));
        assert!(EXPLANATION.ends_with("get the data some other way."));
    }

    #[test]
    fn integrations_paas_charm_does_not_read_are_found() {
        let found = charm_findings(&STAGE, "requires:\n  postgresql: {interface: postgresql_client}\n  db: {interface: mysql_client}\n  login: {interface: oauth}\n  metrics: {interface: prometheus_remote_write}\n  cache: {interface: redis}\n");
        assert_eq!(
            found,
            [(CODE, "db".into()), (CODE, "metrics".into()), (CODE, "cache".into())]
        );
    }

    #[test]
    fn an_endpoint_the_charm_code_handles_is_only_noted() {
        let mut dir = crate::Dir::default();
        dir.code.insert(
            "src/charm.py".into(),
            "class Charm(paas_charm.flask.Charm):\n    def __init__(self, *args):\n        self.framework.observe(self.on.amqp_relation_changed, self._on_amqp)\n".into(),
        );
        dir.code
            .insert("src/routes.py".into(), "ROUTE = \"nginx-route\"\n".into());
        dir.code.insert(
            "src/web.py".into(),
            "import ops\nfrom charms.traefik_route_k8s.v0.traefik_route import TraefikRouteRequirer\n".into(),
        );
        let text = "requires:\n  amqp: {interface: rabbitmq}\n  nginx-route: {interface: nginx_route}\n  route: {interface: traefik_route}\n  metrics: {interface: prometheus_remote_write}\n";
        let found: Vec<(Severity, Option<String>)> = charm_diagnostics(&STAGE, text, &dir)
            .into_iter()
            .map(|d| (d.severity, d.labels.first().map(|l| l.message.clone())))
            .collect();
        let handled = Some("the charm's code uses the endpoint here".to_string());
        let library = Some("the charm's code uses a `traefik_route` library here".to_string());
        assert_eq!(
            found,
            [
                (Severity::Info, handled.clone()),
                (Severity::Info, handled),
                (Severity::Info, library),
                (Severity::Warning, None),
            ]
        );
    }
}

//! Gunicorn (flask, django): the webserver options, the worker-class command rewrite and
//! `gunicorn.conf.py` as paas-charm's Jinja template renders it.

use crate::config::Value;
use crate::deployment::ConfigValue;
use crate::status::{PyError, Stop};

const JSON_LOGGING: &str = include_str!("../data/_gunicorn_json_logging.py");

/// `WebserverConfig.from_charm_config`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct WebserverConfig {
    pub workers: Option<i64>,
    pub worker_class: Option<String>,
    pub threads: Option<i64>,
    pub keepalive: Option<i64>,
    pub timeout: Option<i64>,
}

fn py_int(v: &Value) -> Result<i64, PyError> {
    match v {
        Value::Plain(ConfigValue::Int(i)) => Ok(*i),
        Value::Plain(ConfigValue::Bool(b)) => Ok(i64::from(*b)),
        Value::Plain(ConfigValue::Float(f)) if f.is_finite() => Ok(f.trunc() as i64),
        Value::Plain(ConfigValue::Str(s)) => s.trim().parse().map_err(|_| {
            PyError::value(format!(
                "invalid literal for int() with base 10: {}",
                crate::urlparse::py_repr(s)
            ))
        }),
        _ => Err(PyError::new(
            "TypeError",
            "int() argument must be a string, a bytes-like object or a real number",
        )),
    }
}

impl WebserverConfig {
    /// Reads the `webserver-*` options.
    pub(crate) fn from_config(config: &crate::config::Config<'_>) -> Result<Self, PyError> {
        let int = |k: &str| config.get(k).map(py_int).transpose();
        let worker_class = match config.get("webserver-worker-class") {
            Some(Value::Plain(ConfigValue::Str(s))) => Some(s.clone()),
            Some(Value::Plain(other)) => Some(Value::Plain(other.clone()).to_py_string()),
            _ => None,
        };
        Ok(WebserverConfig {
            workers: int("webserver-workers")?,
            worker_class,
            threads: int("webserver-threads")?,
            keepalive: int("webserver-keepalive")?,
            timeout: int("webserver-timeout")?,
        })
    }

    /// `GunicornBase.create_webserver_config`'s worker-class checks (gevent is importable).
    pub(crate) fn check_worker_class(&self, framework: &str) -> Result<(), Stop> {
        match self.worker_class.as_deref() {
            None | Some("") | Some("sync") | Some("gevent") => Ok(()),
            Some(_) => Err(Stop::Blocked(format!(
                "Only 'gevent' and 'sync' are allowed. https://bit.ly/{framework}-async-doc"
            ))),
        }
    }
}

impl Value {
    fn to_py_string(&self) -> String {
        match self.to_py() {
            crate::pyjson::PyValue::Str(s) => s,
            other => crate::pyjson::dumps(&other),
        }
    }
}

/// `WsgiApp.__init__`: the command with the configured worker class, when it must change.
pub(crate) fn alternate_command(command: &str, worker_class: &str) -> Result<Option<String>, Stop> {
    let mut tokens = shlex_split(command)?;
    let Some(k) = tokens.iter().position(|t| t == "-k") else {
        return Err(Stop::Blocked(
            "Worker class is set through `juju config` but the `-k` worker class argument is not in the service command."
                .into(),
        ));
    };
    let index_error = || Stop::from(PyError::new("IndexError", "list index out of range"));
    let next = tokens.get(k + 1).ok_or_else(index_error)?;
    let idx = if next != "[" { k + 1 } else { k + 2 };
    let current = tokens.get_mut(idx).ok_or_else(index_error)?;
    if current == worker_class {
        return Ok(None);
    }
    *current = worker_class.to_string();
    Ok(Some(tokens.join(" ")))
}

/// `shlex.split(s)`, with Python's `ValueError` when it fails.
pub(crate) fn shlex_split(s: &str) -> Result<Vec<String>, PyError> {
    paasc_syntax::shlex::split(s).map_err(PyError::value)
}

/// Inputs of `gunicorn.conf.py.j2`.
pub(crate) struct Conf<'a> {
    pub port: u32,
    pub app_dir: &'a str,
    pub tracing: bool,
    pub json_logging: bool,
    pub webserver: &'a WebserverConfig,
}

/// The rendered `gunicorn.conf.py` (Juju ≥ 3.4: logs go to `-`).
pub(crate) fn render(c: &Conf) -> String {
    let mut out = String::new();
    if c.tracing {
        out.push_str(
            "from opentelemetry import trace\n\
             from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n\
             from opentelemetry.sdk.trace import TracerProvider\n\
             from opentelemetry.sdk.trace.export import BatchSpanProcessor\n\n",
        );
    }
    if c.json_logging {
        out.push('\n');
        out.push_str(JSON_LOGGING.strip_suffix('\n').unwrap_or(JSON_LOGGING));
        out.push_str("\nlogger_class = GunicornJsonLogger\n");
    }
    out.push_str(&format!(
        "bind = ['0.0.0.0:{}']\nchdir = '{}'\naccesslog = '-'\nerrorlog = '-'\nstatsd_host = 'localhost:9125'",
        c.port,
        escape(c.app_dir)
    ));
    let w = c.webserver;
    for (k, v) in [
        ("workers", w.workers),
        ("threads", w.threads),
        ("keepalive", w.keepalive),
        ("timeout", w.timeout),
    ] {
        if let Some(v) = v {
            out.push_str(&format!("\n{k} = {v}"));
        }
    }
    if c.tracing {
        out.push_str("\naccess_log_format = '%(h)s %(l)s %(u)s %(t)s \"%(r)s\" %(s)s %(b)s \"%(f)s\" \"%(a)s\" %({x-request-id}o)s'\n");
    }
    if c.tracing || c.json_logging {
        out.push_str("\n\ndef post_fork(server, worker):");
        if c.tracing {
            out.push_str(
                "\n    trace.set_tracer_provider(TracerProvider())\
                 \n    span_processor = BatchSpanProcessor(OTLPSpanExporter())\
                 \n    trace.get_tracer_provider().add_span_processor(span_processor)",
            );
        }
        if c.json_logging {
            out.push_str(
                "\n    _original_wsgi = worker.app.wsgi\n\
                 \n    def _patched_wsgi():\
                 \n        return OtelSpanMiddleware(_original_wsgi())\n\
                 \n    worker.app.wsgi = _patched_wsgi",
            );
        }
        out.push('\n');
    }
    out
}

/// Jinja's autoescape of a value.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shlex_drops_quotes() {
        assert_eq!(
            shlex_split("/bin/python3 -m gunicorn 'app:create_app()' -k [ sync ]").ok(),
            Some(vec![
                "/bin/python3".into(),
                "-m".into(),
                "gunicorn".into(),
                "app:create_app()".into(),
                "-k".into(),
                "[".into(),
                "sync".into(),
                "]".into()
            ])
        );
        assert_eq!(
            shlex_split("a \"b\\\"c\" ''").ok(),
            Some(vec!["a".into(), "b\"c".into(), String::new()])
        );
        assert!(shlex_split("a 'b").is_err());
    }

    #[test]
    fn worker_class_rewrite() {
        let cmd = "gunicorn -c /flask/gunicorn.conf.py 'app:app' -k [ sync ]";
        assert_eq!(
            alternate_command(cmd, "gevent").ok().flatten().as_deref(),
            Some("gunicorn -c /flask/gunicorn.conf.py app:app -k [ gevent ]")
        );
        assert_eq!(alternate_command(cmd, "sync").ok(), Some(None));
        assert!(matches!(
            alternate_command("gunicorn app:app", "sync"),
            Err(Stop::Blocked(_))
        ));
        assert_eq!(
            alternate_command("gunicorn -k sync", "gevent")
                .ok()
                .flatten()
                .as_deref(),
            Some("gunicorn -k gevent")
        );
    }

    #[test]
    fn plain_conf_has_no_trailing_newline() {
        let w = WebserverConfig {
            workers: Some(3),
            timeout: Some(60),
            ..WebserverConfig::default()
        };
        let text = render(&Conf {
            port: 8000,
            app_dir: "/flask/app",
            tracing: false,
            json_logging: false,
            webserver: &w,
        });
        assert!(text.starts_with("bind = ['0.0.0.0:8000']\nchdir = '/flask/app'\n"));
        assert!(text.ends_with("statsd_host = 'localhost:9125'\nworkers = 3\ntimeout = 60"));
    }
}

//! What the Dockerfile needs to know per framework beyond the frameworks table. Everything
//! else (parts, services, checks, prime lists, packages) is read from the expanded rockcraft.yaml.

use paasc_frameworks::{Framework, Spec, STATSD_EXPORTER};

/// The framework's facts (every framework has an image).
pub fn layout(framework: Framework) -> &'static Spec {
    framework.spec()
}

/// Why an extension's service other than the app's is not in the image, as a Dockerfile comment.
pub fn sidecar(service: &str) -> Option<&'static str> {
    (service == STATSD_EXPORTER).then_some(
        "gunicorn sends its statsd metrics to\n# localhost:9125; run a Prometheus statsd exporter beside the app to collect them",
    )
}

/// The image of a rock `base` (or of `build-base` for `bare`).
pub fn base_image(base: &str) -> Option<&'static str> {
    match base {
        "ubuntu@22.04" | "ubuntu:22.04" => Some("ubuntu:22.04"),
        "ubuntu@24.04" | "ubuntu:24.04" => Some("ubuntu:24.04"),
        _ => None,
    }
}

//! The rock's Pebble services as this deployment runs them: which is the app's own, which are
//! workers and schedulers, and each one's command and working directory as paas-charm's layer
//! has them (the rock's own when there is no layer).

use paasc_check::Resolved;
use paasc_frameworks::ServiceRole;
use paasc_syntax::Yaml;

/// A service of the rock.
#[derive(Debug)]
pub struct Service<'a> {
    /// Its name.
    pub name: &'a str,
    /// Whether it is the framework's own service (the app).
    pub main: bool,
    /// What paas-charm makes of it (by its name).
    pub role: ServiceRole,
    /// Its command, as it runs (paas-charm may swap the worker class), if it has one.
    pub command: Option<String>,
    /// Its `working-dir`, as it runs.
    pub working_dir: Option<&'a str>,
    /// Whether the rock starts it with the container (`startup: enabled`); paas-charm's layer
    /// may still disable a scheduler on the units other than 0.
    pub enabled: bool,
    /// The rock's entry.
    pub rock: &'a Yaml,
}

impl Service<'_> {
    /// The process's argument vector, as Pebble reads the command, or why Pebble refuses it.
    pub fn args(&self) -> Result<Vec<String>, String> {
        super::command::service_args(self.command.as_deref().unwrap_or_default())
    }
}

/// The rock's services, in the rock's order.
pub fn read(app: &Resolved) -> Vec<Service<'_>> {
    let planned = app
        .plan
        .layer
        .as_ref()
        .and_then(|l| l.get("services"))
        .and_then(Yaml::as_map)
        .unwrap_or_default();
    let main = app.framework.service();
    app.rock
        .get("services")
        .and_then(Yaml::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(name, rock)| {
            let name = name.as_str()?;
            let runs = planned
                .iter()
                .find(|(k, _)| k.as_str() == Some(name))
                .map_or(rock, |(_, s)| s);
            Some(Service {
                name,
                main: name == main,
                role: ServiceRole::of(name),
                command: runs.get("command").and_then(super::text),
                working_dir: runs.get("working-dir").and_then(Yaml::as_str),
                enabled: rock.get("startup").and_then(Yaml::as_str) == Some("enabled"),
                rock,
            })
        })
        .collect()
}

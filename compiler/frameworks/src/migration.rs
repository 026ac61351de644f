//! The database migration command (`DatabaseMigration.run`, paas-charm 1.12.3): chosen from the
//! files in the app directory, the later entries of the list winning.

use crate::Framework;

/// The files paas-charm looks for in the app directory, with the command each runs; when
/// several exist the later entries win. `{app_dir}` stands for the app directory.
pub const MIGRATIONS: &[(&str, &[&str])] = &[
    ("migrate", &["{app_dir}/migrate"]),
    ("migrate.sh", &["bash", "-eo", "pipefail", "migrate.sh"]),
    ("migrate.py", &["python3", "migrate.py"]),
    ("manage.py", &["python3", "manage.py", "migrate"]),
];

/// The command paas-charm runs (in the app directory, as `_daemon_`, with the full
/// environment) before starting the workload, given which names exist in the app directory;
/// `None` when there is no migration script.
pub fn migration_command(
    framework: Framework,
    exists: impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    let app_dir = framework.app_dir();
    MIGRATIONS
        .iter()
        .rfind(|(file, _)| exists(file))
        .map(|(_, command)| {
            command
                .iter()
                .map(|w| w.replace("{app_dir}", app_dir))
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_entries_win() {
        let cmd = migration_command(Framework::Flask, |f| f == "migrate" || f == "migrate.sh");
        assert_eq!(
            cmd.as_deref(),
            Some(&["bash", "-eo", "pipefail", "migrate.sh"].map(String::from)[..])
        );
        let cmd = migration_command(Framework::Go, |f| f == "migrate");
        assert_eq!(cmd, Some(vec!["/app/migrate".to_string()]));
        assert_eq!(migration_command(Framework::Flask, |_| false), None);
    }
}

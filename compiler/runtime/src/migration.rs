//! The database migration command (`DatabaseMigration.run`, paas-charm 1.12.3): chosen from the
//! files in the app directory, the later entries of the list winning.

use crate::frameworks::Framework;

/// The command paas-charm runs (in the app directory, as `_daemon_`, with the full
/// environment) before starting the workload, given which names exist in the app directory;
/// `None` when there is no migration script.
pub fn migration_command(
    framework: Framework,
    exists: impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    let app_dir = framework.app_dir();
    let mut out = None;
    let candidates: [(&str, Vec<String>); 4] = [
        ("migrate", vec![format!("{app_dir}/migrate")]),
        (
            "migrate.sh",
            ["bash", "-eo", "pipefail", "migrate.sh"]
                .map(String::from)
                .to_vec(),
        ),
        (
            "migrate.py",
            ["python3", "migrate.py"].map(String::from).to_vec(),
        ),
        (
            "manage.py",
            ["python3", "manage.py", "migrate"]
                .map(String::from)
                .to_vec(),
        ),
    ];
    for (file, command) in candidates {
        if exists(file) {
            out = Some(command);
        }
    }
    out
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

//! Writing what `compile` produced: the only place that writes files.

use paasc_emit::Files;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Writes `files` under `out`: every file first to a temporary name beside its target, then
/// all renamed into place. When any write fails, the temporary files and the directories this
/// call created are removed, so `out` is left as it was. Files are written in parallel.
pub fn write_all(out: &Path, files: &Files) -> std::io::Result<()> {
    let mut created: Vec<PathBuf> = Vec::new();
    let targets: Vec<(PathBuf, PathBuf)> = files
        .iter()
        .map(|(rel, _)| {
            let path = out.join(rel);
            let tmp = path.with_file_name(format!(
                ".{}.paasc-tmp",
                path.file_name().and_then(|n| n.to_str()).unwrap_or("out")
            ));
            (tmp, path)
        })
        .collect();
    let parents: std::collections::BTreeSet<&Path> = targets
        .iter()
        .map(|(_, path)| path.parent().unwrap_or(out))
        .collect();
    let made = (|| {
        for parent in parents {
            let mut missing: Vec<&Path> = parent
                .ancestors()
                .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
                .collect();
            missing.reverse();
            for dir in missing {
                std::fs::create_dir(dir)?;
                created.push(dir.to_path_buf());
            }
        }
        Ok(())
    })();
    let staged: Vec<std::io::Result<&PathBuf>> = match made {
        Ok(()) => targets
            .par_iter()
            .zip(files.par_iter())
            .map(|((tmp, _), (_, text))| std::fs::write(tmp, text).map(|()| tmp))
            .collect(),
        Err(e) => vec![Err(e)],
    };
    let result = match staged.into_iter().find_map(Result::err) {
        Some(e) => Err(e),
        None => targets
            .par_iter()
            .try_for_each(|(tmp, path)| std::fs::rename(tmp, path)),
    };
    if result.is_err() {
        for (tmp, _) in &targets {
            let _ = std::fs::remove_file(tmp);
        }
        for dir in created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

/// How `files` differ from what is under `out`: a unified diff per changed file (only the
/// names for the files in `secret`), or nothing when all are current.
pub fn drift(out: &Path, files: &Files, secret: &[String]) -> String {
    let mut report = String::new();
    for (rel, want) in files {
        let have = std::fs::read(out.join(rel))
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        if have.as_deref() == Some(want.as_str()) {
            continue;
        }
        if secret.contains(rel) {
            report.push_str(&format!(
                "{rel}: {} (holds secrets: contents not shown)\n",
                if have.is_some() { "differs" } else { "missing" }
            ));
            continue;
        }
        let old = have.unwrap_or_default();
        let diff = similar::TextDiff::from_lines(old.as_str(), want.as_str());
        let shown = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{rel}"), &format!("b/{rel}"))
            .to_string();
        report.push_str(&crate::human::terminal_safe(&shown, true));
    }
    report
}

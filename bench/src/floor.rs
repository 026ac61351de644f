//! The floors of `tools/bench.sh`: processes that do only the file work a paasc command must do,
//! so a benchmark can say how far above it paasc is. Only std; `tools/bench.sh` links it
//! statically for paasc's target where tools/dist.sh links paasc so, so that the two start
//! alike, and with musl on the mimalloc paasc was built with. It keeps the libc's string
//! functions, which paasc replaces.
//!
//!     paasc-floor read LIST               reads the files and lists the directories LIST names
//!                                         (one a line: `f PATH` read whole, `d PATH` listed,
//!                                         `s PATH` stat), as `paasc check` does
//!     paasc-floor write [-j N] LIST BUNDLE OUT
//!                                         the reads of LIST, then writes the files of BUNDLE
//!                                         into OUT as paasc does: each compared with what is
//!                                         there and left alone when identical, else written
//!                                         to a temporary name and renamed over it. `-j N`:
//!                                         on N threads, each taking whole top-level
//!                                         directories (one per project, as a multi-project
//!                                         `paasc compile` writes them) and its share of LIST
//!     paasc-floor bundle DIR BUNDLE       packs the files under DIR (not `.paasc/`) into BUNDLE
//!     paasc-floor pair RUNS [--fresh DIR] -- A... -- B...
//!                                         runs A and B in turn RUNS times (after one warm-up
//!                                         each; `--fresh`: DIR removed before every run) and
//!                                         prints `median_a median_b ratio` (ms; the ratio is
//!                                         the median of the RUNS ratios A/B of each pair); A
//!                                         and B may start with NAME=VALUE words, set in their
//!                                         environment (one binary against itself, switched)
//!
//! LIST is read before the timed work starts in a real process too (it is one small file); a
//! BUNDLE is one file, so the floor's reading of what it writes costs one read, where paasc
//! renders it in memory.

use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_else(|| usage());
    let result = match arg(0) {
        "read" => fs::read_to_string(arg(1))
            .map_err(err(Path::new(arg(1))))
            .and_then(|list| read(&list).map(|_| ())),
        "write" if arg(1) == "-j" => {
            let jobs = arg(2).parse().unwrap_or_else(|_| usage());
            write_parallel(
                jobs,
                Path::new(arg(3)),
                Path::new(arg(4)),
                Path::new(arg(5)),
            )
        }
        "write" => {
            let list = fs::read_to_string(arg(1)).map_err(err(Path::new(arg(1))));
            list.and_then(|list| {
                read(&list)?;
                let bytes = fs::read(arg(2)).map_err(err(Path::new(arg(2))))?;
                let files = unbundle(&bytes).ok_or_else(|| format!("{}: not a bundle", arg(2)))?;
                write(&files, Path::new(arg(3)))
            })
        }
        "bundle" => bundle(Path::new(arg(1)), Path::new(arg(2))),
        "pair" => pair(&args[1..]),
        _ => usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paasc-floor: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: paasc-floor read LIST | write [-j N] LIST BUNDLE OUT | bundle DIR BUNDLE | pair RUNS [--fresh DIR] -- A... -- B...");
    std::process::exit(2)
}

type Result<T> = std::result::Result<T, String>;

fn err(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// Does the reads that the lines of a LIST name; returns the bytes read.
fn read(list: &str) -> Result<usize> {
    let mut total = 0;
    for line in list.lines() {
        let (kind, path) = line.split_at(line.len().min(2));
        let path = Path::new(path);
        match kind.trim() {
            "f" => total += fs::read(path).map(|b| b.len()).unwrap_or(0),
            "d" => total += fs::read_dir(path).map(|d| d.count()).unwrap_or(0),
            "s" => total += fs::symlink_metadata(path).map(|_| 1).unwrap_or(0),
            _ => return Err(format!("bad line {line:?} in the list of reads")),
        }
    }
    Ok(total)
}

/// A bundle: per file, its path, a NUL, its length in decimal, a NUL, its bytes.
fn bundle(dir: &Path, out: &Path) -> Result<()> {
    fn walk(base: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        for entry in fs::read_dir(dir).map_err(err(dir))? {
            let path = entry.map_err(err(dir))?.path();
            let rel = path
                .strip_prefix(base)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .into_owned();
            if rel == ".paasc" {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, files)?;
            } else {
                files.push((rel, fs::read(&path).map_err(err(&path))?));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.sort();
    let mut bytes = Vec::new();
    for (rel, data) in files {
        bytes.extend_from_slice(format!("{rel}\0{}\0", data.len()).as_bytes());
        bytes.extend_from_slice(&data);
    }
    fs::write(out, bytes).map_err(err(out))
}

fn unbundle(bytes: &[u8]) -> Option<Vec<(&str, &[u8])>> {
    let mut files = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let nul = rest.iter().position(|&b| b == 0)?;
        let rel = std::str::from_utf8(&rest[..nul]).ok()?;
        rest = &rest[nul + 1..];
        let nul = rest.iter().position(|&b| b == 0)?;
        let len: usize = std::str::from_utf8(&rest[..nul]).ok()?.parse().ok()?;
        rest = &rest[nul + 1..];
        files.push((rel, rest.get(..len)?));
        rest = &rest[len..];
    }
    Some(files)
}

/// `write -j N`: the reads and writes shared among `jobs` threads, a top-level directory of
/// the bundle (a project) and a line of the list each going wholly to one thread.
fn write_parallel(jobs: usize, list: &Path, bundle: &Path, out: &Path) -> Result<()> {
    let jobs = jobs.max(1);
    let list = fs::read_to_string(list).map_err(err(list))?;
    let bytes = fs::read(bundle).map_err(err(bundle))?;
    let files = unbundle(&bytes).ok_or_else(|| format!("{}: not a bundle", bundle.display()))?;
    let mut lists = vec![String::new(); jobs];
    for (i, line) in list.lines().enumerate() {
        lists[i % jobs].push_str(line);
        lists[i % jobs].push('\n');
    }
    let mut shares: Vec<Vec<(&str, &[u8])>> = vec![Vec::new(); jobs];
    let (mut share, mut last_top) = (0, None);
    for (rel, data) in files {
        let top = rel.split('/').next();
        if last_top.is_some() && top != last_top {
            share = (share + 1) % jobs;
        }
        last_top = top;
        shares[share].push((rel, data));
    }
    std::thread::scope(|scope| {
        let threads: Vec<_> = lists
            .iter()
            .zip(&shares)
            .map(|(list, files)| scope.spawn(move || read(list).and_then(|_| write(files, out))))
            .collect();
        threads.into_iter().try_for_each(|t| {
            t.join()
                .map_err(|_| "a writer thread panicked".to_string())?
        })
    })
}

/// Writes `files` into `out`: compare, else temporary name and rename.
fn write(files: &[(&str, &[u8])], out: &Path) -> Result<()> {
    for &(rel, data) in files {
        let target = out.join(rel);
        match fs::read(&target) {
            Ok(old) if old == data => continue,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if let Some(dir) = target.parent() {
                    fs::create_dir_all(dir).map_err(err(dir))?;
                }
            }
            Err(e) => return Err(err(&target)(e)),
        }
        let tmp = PathBuf::from(format!("{}.tmp", target.display()));
        fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(data))
            .map_err(err(&tmp))?;
        fs::rename(&tmp, &target).map_err(err(&target))?;
    }
    Ok(())
}

/// One run of `cmd`, in ms; its standard output and error are discarded.
fn time(cmd: &[String], fresh: Option<&Path>) -> Result<f64> {
    if let Some(dir) = fresh {
        match fs::remove_dir_all(dir) {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(err(dir)(e)),
            _ => {}
        }
    }
    // Leading NAME=VALUE words are set in the command's environment, as `env` would.
    let vars = cmd.iter().take_while(|w| !w.starts_with('/') && w.contains('=')).count();
    let (vars, cmd) = cmd.split_at(vars);
    let vars = vars.iter().filter_map(|w| w.split_once('='));
    let start = Instant::now();
    let status = Command::new(&cmd[0])
        .args(&cmd[1..])
        .envs(vars)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{}: {e}", cmd[0]))?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if !status.success() {
        return Err(format!("{} failed: {status}", cmd.join(" ")));
    }
    Ok(ms)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Paired, interleaved runs of two commands: load on the machine falls on both alike.
fn pair(args: &[String]) -> Result<()> {
    let runs: usize = args
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| usage());
    let mut rest = &args[1..];
    let mut fresh = None;
    if rest.first().map(String::as_str) == Some("--fresh") {
        fresh = Some(PathBuf::from(rest.get(1).unwrap_or_else(|| usage())));
        rest = &rest[2..];
    }
    let split: Vec<&[String]> = rest.split(|a| a == "--").collect();
    let [_, a, b] = split[..] else { usage() };
    if a.is_empty() || b.is_empty() {
        usage();
    }
    let fresh = fresh.as_deref();
    time(a, fresh)?;
    time(b, fresh)?;
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        // Alternate which goes first, so neither always follows the other.
        let (x, y) = if i % 2 == 0 {
            (time(a, fresh)?, time(b, fresh)?)
        } else {
            let y = time(b, fresh)?;
            (time(a, fresh)?, y)
        };
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    println!(
        "{:.2} {:.2} {:.2}",
        median(&mut ta),
        median(&mut tb),
        median(&mut ratios)
    );
    Ok(())
}

//! Running one child process under limits: a wall-clock timeout (the whole process group is
//! killed, so cargo's rustc children go too), an optional address-space cap (`RLIMIT_AS`, so a
//! runaway allocation fails inside the child instead of swapping the machine), and its peak
//! memory read from `wait4`'s resource usage.

use super::classify::Exit;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Finished {
    pub exit: Exit,
    pub wall: Duration,
    pub peak_rss_kb: u64,
}

/// Runs `cmd` (its output already redirected by the caller) to its end or to `timeout`.
pub fn run(
    mut cmd: Command,
    timeout: Duration,
    memory_cap: Option<u64>,
) -> Result<Finished, String> {
    cmd.process_group(0);
    if let Some(bytes) = memory_cap {
        // SAFETY: only `setrlimit`, which is async-signal-safe, runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let started = Instant::now();
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut pause = Duration::from_millis(1);
    loop {
        let mut status = 0;
        // SAFETY: an all-zero `rusage` is a valid value for `wait4` to overwrite.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our unreaped child; `status` and `usage` are valid for writes.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            let status = std::process::ExitStatus::from_raw(status);
            let exit = match (status.code(), status.signal()) {
                (Some(code), _) => Exit::Code(code),
                (None, Some(signal)) => Exit::Signal(signal),
                (None, None) => Exit::Code(-1),
            };
            return Ok(Finished {
                exit,
                wall: started.elapsed(),
                peak_rss_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
            });
        }
        if reaped < 0 {
            return Err(format!("wait4: {}", std::io::Error::last_os_error()));
        }
        if started.elapsed() >= timeout {
            // SAFETY: signalling our own child's process group (`process_group(0)` above); the
            // child is not reaped yet, so its pid and group id cannot have been reused.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            let mut status = 0;
            // SAFETY: as above; this reaps the killed child.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: as above.
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            return Ok(Finished {
                exit: Exit::TimedOut,
                wall: started.elapsed(),
                peak_rss_kb: u64::try_from(usage.ru_maxrss).unwrap_or(0),
            });
        }
        // Short runs are most of the corpus: poll fast at first, then back off to 50 ms.
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn exit_codes_and_signals_are_reported_as_such() {
        let long = Duration::from_secs(600);
        let done = run(sh("exit 3"), long, None).unwrap();
        assert_eq!(done.exit, Exit::Code(3));
        assert!(done.peak_rss_kb > 0, "wait4 reports the child's memory");
        let killed = run(sh("kill -SEGV $$"), long, None).unwrap();
        assert_eq!(killed.exit, Exit::Signal(libc::SIGSEGV));
    }

    #[test]
    fn a_process_past_its_timeout_is_killed_with_its_children() {
        let marker = std::env::temp_dir().join(format!("corpus-timeout-{}", std::process::id()));
        let _ = std::fs::remove_file(&marker);
        // The grandchild would write the marker if it outlived the kill of the group.
        let script = format!("(sleep 2; touch {}) & sleep 600", marker.display());
        let done = run(sh(&script), Duration::from_millis(100), None).unwrap();
        assert_eq!(done.exit, Exit::TimedOut);
        std::thread::sleep(Duration::from_secs(3));
        assert!(!marker.exists(), "the grandchild was killed with the group");
    }

    #[test]
    fn the_memory_cap_is_the_childs_address_space_limit() {
        let out = std::env::temp_dir().join(format!("corpus-ulimit-{}", std::process::id()));
        let mut cmd = sh("ulimit -v");
        cmd.stdout(std::fs::File::create(&out).unwrap());
        let done = run(cmd, Duration::from_secs(600), Some(64 << 20)).unwrap();
        assert_eq!(done.exit, Exit::Code(0));
        // `ulimit -v` counts KiB.
        assert_eq!(std::fs::read_to_string(&out).unwrap().trim(), "65536");
        let _ = std::fs::remove_file(&out);
    }
}

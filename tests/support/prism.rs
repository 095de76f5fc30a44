//! A Prism mock server (`prism mock --errors spec/userplane.yaml`) on a free loopback port.
//!
//! `cargo xtask test` installs the pinned Prism into `.cache/prism` and exports `PRISM_BIN`; without
//! it the Prism tests fail (they never pass silently). The server is stopped by PID when the
//! [`Prism`] guard is dropped, which also happens when a test panics.

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::workspace_root;

/// How long Prism may take to start answering (it is a Node program and starts slowly).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// A running Prism process; killed (by PID) on drop.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:PORT`; the spec's paths are served at the root.
    pub base_url: String,
    log_path: PathBuf,
}

/// The Prism executable from `PRISM_BIN`, or a panic that says how to get it.
pub fn prism_bin() -> PathBuf {
    let bin = match std::env::var_os("PRISM_BIN") {
        Some(bin) if !bin.is_empty() => PathBuf::from(bin),
        _ => panic!(
            "PRISM_BIN is not set, so the Prism contract tests cannot run. Run the test suite with \
             `cargo xtask test`: it installs the pinned @stoplight/prism-cli into .cache/prism (with \
             npm) and sets PRISM_BIN. (Or set PRISM_BIN to a `prism` executable yourself.)"
        ),
    };
    assert!(
        bin.is_file(),
        "PRISM_BIN={} does not exist; run `cargo xtask test` to install Prism",
        bin.display()
    );
    bin
}

impl Prism {
    /// Starts Prism on a free port and waits until it answers HTTP requests.
    pub async fn start() -> Prism {
        let bin = prism_bin();
        let spec = workspace_root().join("spec/userplane.yaml");
        // A freed port can be taken again before Prism binds it; try a few.
        let mut last_log = String::new();
        for _ in 0..3 {
            let port = super::closed_port();
            let log_path = std::env::temp_dir()
                .join(format!("userplane-prism-{}-{port}.log", std::process::id()));
            let log = File::create(&log_path).expect("create the Prism log file");
            let child = Command::new(&bin)
                .arg("mock")
                .args(["-h", "127.0.0.1", "-p", &port.to_string()])
                .arg("--errors")
                .arg(&spec)
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("clone the log handle"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            let mut prism = Prism {
                child,
                base_url: format!("http://127.0.0.1:{port}"),
                log_path,
            };
            match prism.wait_until_ready().await {
                Ok(()) => return prism,
                Err(log) => last_log = log,
            }
        }
        panic!("Prism did not start; its last output:\n{last_log}");
    }

    /// Polls until Prism answers; `Err(log)` if the process exited (e.g. the port was taken).
    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("build a reqwest client");
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the Prism process") {
                return Err(format!("(exited with {status})\n{}", self.log()));
            }
            // Prism answers `/` with its own 404 problem document. Checking for it makes sure that
            // the port is not served by someone else (a freed port can be reused).
            if let Ok(response) = http.get(&self.base_url).send().await {
                let body = response.text().await.unwrap_or_default();
                if body.contains("stoplight.io/prism") {
                    return Ok(());
                }
            }
            assert!(
                started.elapsed() < STARTUP_TIMEOUT,
                "Prism did not answer within {STARTUP_TIMEOUT:?}; its output:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Prism's output so far (it logs every request and the violations it found).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Prism's output once `done(log)` holds, or after 10 s. Prism writes its log asynchronously,
    /// so the lines about a request can appear after its response.
    pub async fn log_when(&self, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let log = self.log();
            if done(&log) || started.elapsed() > Duration::from_secs(10) {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The PID of the Prism process.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Kills exactly the process this guard started (Prism is one Node process), then reaps it.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log_path);
    }
}

//! `openapi-rust-client`: the generator as a command (see `openapi-rust-client --help`).

fn main() -> std::process::ExitCode {
    generator::cli::main()
}

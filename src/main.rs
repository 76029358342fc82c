//! The `fanzha` command-line tool.

use std::process::ExitCode;

use clap::Parser;

mod cli;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => cli::check::run(args),
        Command::Scan(args) => cli::scan::run(args),
        Command::Rules(cmd) => cli::rules_cmd::run(cmd),
        Command::Eval(args) => cli::eval::run(args),
        Command::Url(args) => cli::url::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // One clear line; broken pipes (e.g. `| head`) are not errors.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::from(0);
            }
            let msg: Vec<String> = err.chain().map(|e| e.to_string()).collect();
            eprintln!(
                "fanzha: error: {}",
                cli::render::terminal_safe(&dedup_chain(msg).join(": "))
            );
            ExitCode::from(2)
        }
    }
}

/// anyhow chains often repeat the inner message in the outer one.
fn dedup_chain(parts: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        if !out.iter().any(|o| o.contains(&p)) {
            out.push(p);
        }
    }
    out
}

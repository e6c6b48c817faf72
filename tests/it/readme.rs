//! The README's examples are real: every `$ scenepal ...` line in a console
//! block is run (through `sh`, so pipes work) and must print exactly the lines
//! shown under it.

/// (command, expected output) for each `$ ` line of the README's console blocks.
fn examples(readme: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut in_console = false;
    let mut current: Option<(String, String)> = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            found.extend(current.take());
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            found.extend(current.take());
            current = Some((cmd.to_owned(), String::new()));
        } else if let Some((_, out)) = current.as_mut() {
            out.push_str(line);
            out.push('\n');
        }
    }
    found
}

/// What `cmd` (a README command line) prints, or `None` for a set-up command.
fn run(cmd: &str) -> Option<String> {
    // `cargo run --release -- ARGS` is the set-up form of `scenepal ARGS`.
    let cmd = match cmd.strip_prefix("cargo run --release -- ") {
        Some(args) => format!("scenepal {args}"),
        None if cmd.starts_with("cargo ") => return None,
        None => cmd.to_owned(),
    };
    let out = crate::common::clean_command("sh")
        .arg("-c")
        .arg(&cmd)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`{cmd}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The README with every example's output replaced by what it prints now
/// (`UPDATE_GOLDEN=1`, after a change of palettes that was meant).
fn updated(readme: &str) -> String {
    let mut out = String::new();
    let mut in_console = false;
    let mut skipping = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            skipping = false;
        } else if in_console {
            if let Some(cmd) = line.strip_prefix("$ ") {
                out.push_str(line);
                out.push('\n');
                skipping = match run(cmd) {
                    Some(printed) => {
                        out.push_str(&printed);
                        true
                    }
                    None => false,
                };
                continue;
            }
            if skipping {
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme = String::from_utf8(crate::common::read("README.md")).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let path = crate::common::root().join("README.md");
        std::fs::write(path, updated(&readme)).unwrap();
        return;
    }
    let mut ran = 0;
    for (cmd, expected) in examples(&readme) {
        let Some(printed) = run(&cmd) else { continue };
        assert_eq!(printed, expected, "output of `{cmd}`");
        ran += 1;
    }
    assert!(ran >= 8, "only {ran} README examples found");
}

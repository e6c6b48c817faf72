//! The documents' examples are real: every `$ scenepal ...` line in a console
//! block of the README, the changelog or a page of `docs/` is run (through
//! `sh`, so pipes work) and must print exactly the lines shown under it.

/// The documents a reader meets: the README, the changelog and every
/// markdown page of `docs/`, as paths relative to the repository root.
fn documents() -> Vec<String> {
    let mut pages: Vec<String> = std::fs::read_dir(crate::common::root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    pages.sort();
    let mut all = vec!["README.md".to_owned(), "CHANGELOG.md".to_owned()];
    all.extend(pages);
    all
}

/// (command, expected output) for each `$ ` line of a document's console blocks.
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

/// What `cmd` (a documented command line) prints, or `None` for a set-up command.
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

/// The document with every example's output replaced by what it prints now
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
fn documented_examples_print_what_the_documents_show() {
    let mut ran = Vec::new();
    for document in documents() {
        let text = String::from_utf8(crate::common::read(&document)).unwrap();
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            let path = crate::common::root().join(&document);
            std::fs::write(path, updated(&text)).unwrap();
            continue;
        }
        let mut count = 0;
        for (cmd, expected) in examples(&text) {
            let Some(printed) = run(&cmd) else { continue };
            assert_eq!(printed, expected, "output of `{cmd}` in {document}");
            count += 1;
        }
        ran.push((document, count));
    }
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        return;
    }
    // The README's tour and the guide are made of examples; a parser that
    // stopped finding them would otherwise pass silently.
    let count = |name: &str| ran.iter().find(|(d, _)| d == name).map_or(0, |(_, n)| *n);
    assert!(count("README.md") >= 8, "README examples run: {ran:?}");
    assert!(count("docs/guide.md") >= 10, "guide examples run: {ran:?}");
}

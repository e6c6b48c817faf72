//! Library errors as the command line reports them: where a limit set by an
//! option was exceeded, the message names the option (the library's
//! messages name no flags).

/// A library error with the flag that governs it, when one does.
pub fn explain(error: scenepal::Error) -> anyhow::Error {
    match error {
        e @ scenepal::Error::TooManyPixels { .. } => anyhow::anyhow!("{e} (--max-pixels)"),
        e @ scenepal::Error::AllExcluded => anyhow::anyhow!("{e} (--exclude)"),
        scenepal::Error::NoCountedPixels { threshold } => anyhow::anyhow!(
            "no pixel is opaque enough to count (every alpha is below --alpha-threshold {threshold})"
        ),
        e => anyhow::Error::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_explained_with_their_flag() {
        let e = scenepal::Error::TooManyPixels {
            width: 32,
            height: 24,
            limit: 767,
        };
        assert_eq!(
            explain(e).to_string(),
            "image is 32×24 = 768 pixels, more than the limit of 767 (--max-pixels)"
        );
        let e = scenepal::Error::NoCountedPixels { threshold: 9 };
        assert!(explain(e).to_string().ends_with("--alpha-threshold 9)"));
        assert_eq!(
            explain(scenepal::Error::EmptyInput).to_string(),
            "empty file (0 bytes)"
        );
    }
}

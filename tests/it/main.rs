//! scenepal's integration tests, in one test binary (one link instead of
//! one per file): the command line run as a user runs it, through the
//! clean-environment helper in `common`.

mod batch;
mod cli;
mod common;
mod corrupted;
mod distributed;
mod fast;
mod features;
mod films;
mod gallery;
mod golden;
mod hostile;
mod keyframes;
mod managed;
mod pictures;
mod pipes;
mod readme;
mod setup;
mod shots;
mod terminal;
mod times;
mod video;

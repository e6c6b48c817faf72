//! Opening the inputs, in order, just ahead of the workers: each file is
//! opened once and its first bytes tell a film from a still; a film is
//! replaced by its sampled frames, and each `film.mkv@00:00:12.500` by that
//! one frame.

use std::sync::Arc;

use scenepal::video::{frame_name, is_video_header, split_frame_name, Sampling, Video};

use super::input::{is_stdin, path_text, InputItem};
use super::open::OpenFile;

/// Opens `item` (a file named or walked): a still stays one item, opened; a
/// film becomes its sampled frames; a file that cannot be opened, or a film
/// that cannot be probed, stays one item, its error. `opened` is the file
/// the configuration opened already (the only input, to tell a film), used
/// instead of opening it again.
pub fn open_input(
    item: InputItem,
    sampling: &Sampling,
    opened: &mut Option<OpenFile>,
) -> Vec<InputItem> {
    let InputItem::Image(path) = item else {
        return vec![item];
    };
    if is_stdin(&path) {
        return vec![InputItem::Image(path)];
    }
    let (film, at) = match opened.take().map_or_else(|| OpenFile::open(&path), Ok) {
        Ok(file) if is_video_header(file.head()) => (path.clone(), None),
        Ok(file) => return vec![InputItem::Opened(path, file)],
        Err(e) => match split_frame_name(&path) {
            // A FIFO or device is refused unopened, as a named file is.
            Some((film, ms)) => match OpenFile::open(&film) {
                Ok(file) if is_video_header(file.head()) => (film, Some(ms)),
                Ok(_) => return vec![InputItem::Unreadable(path, format!("{e:#}"))],
                Err(refused) => return vec![InputItem::Unreadable(path, format!("{refused:#}"))],
            },
            None => return vec![InputItem::Unreadable(path, format!("{e:#}"))],
        },
    };
    match Video::open(&film, sampling, at) {
        Ok(video) => {
            let shown = path_text(&film);
            let video = Arc::new(video);
            let times = video.times.clone();
            times
                .into_iter()
                .enumerate()
                .map(|(index, ms)| InputItem::Frame {
                    film: film.clone(),
                    name: frame_name(&shown, ms),
                    video: Arc::clone(&video),
                    index,
                    ms,
                })
                .collect()
        }
        Err(e) => vec![InputItem::Unreadable(path, e.to_string())],
    }
}

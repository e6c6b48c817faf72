//! Films among the inputs: each video is replaced by its sampled frames,
//! and each `film.mkv@00:00:12.500` by that one frame.

use scenepal::video::{frame_name, is_video, split_frame_name, Sampling, Video};

use super::input::{is_stdin, path_text, InputItem};

/// Replaces each video among `items` by its sampled frames, and each
/// `film.mkv@00:00:12.500` that names no file but a video's time by that one
/// frame. A video that cannot be probed stays one item: its error.
pub fn open_videos(items: Vec<InputItem>, sampling: &Sampling) -> (Vec<InputItem>, Vec<Video>) {
    let mut out = Vec::with_capacity(items.len());
    let mut videos = Vec::new();
    for item in items {
        let InputItem::Image(path) = &item else {
            out.push(item);
            continue;
        };
        let (film, at) = if is_stdin(path) {
            (None, None)
        } else if path.is_file() {
            (is_video(path).then(|| path.clone()), None)
        } else {
            match split_frame_name(path) {
                Some((film, ms)) if is_video(&film) => (Some(film), Some(ms)),
                _ => (None, None),
            }
        };
        let Some(film) = film else {
            out.push(item);
            continue;
        };
        match Video::open(&film, sampling, at) {
            Ok(video) => {
                let shown = path_text(&film);
                out.extend(
                    video
                        .times
                        .iter()
                        .enumerate()
                        .map(|(index, &ms)| InputItem::Frame {
                            film: film.clone(),
                            name: frame_name(&shown, ms),
                            video: videos.len(),
                            index,
                            ms,
                        }),
                );
                videos.push(video);
            }
            Err(e) => out.push(InputItem::Unreadable(path.clone(), e.to_string())),
        }
    }
    (out, videos)
}

//! Probing: recognising a film by its first bytes, and asking `ffprobe` for
//! its frame size, colour matrix, declared length and frame rate.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use super::child::{input_args, run};
use super::error::{Error, Result};
use super::sampling::frame_interval_ms;

/// Bytes read to recognise a container.
const SNIFF_BYTES: usize = 512;

/// True when the file at `path` starts like a video container (MP4 and
/// QuickTime, Matroska and WebM, AVI, MPEG program and transport streams,
/// FLV, Ogg, ASF). Still-image formats built on the same boxes (AVIF, HEIF)
/// are not videos. Unreadable files are not videos: reading them reports why.
pub fn is_video(path: &Path) -> bool {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    match File::open(path) {
        Ok(f) => {
            if f.take(SNIFF_BYTES as u64).read_to_end(&mut head).is_err() {
                return false;
            }
        }
        Err(_) => return false,
    }
    is_video_header(&head)
}

/// True when `h`, a file's first bytes, starts like a video container.
pub fn is_video_header(h: &[u8]) -> bool {
    let at = |i: usize, s: &[u8]| h.len() >= i + s.len() && &h[i..i + s.len()] == s;
    if at(4, b"ftyp") {
        const STILL_BRANDS: [&[u8]; 10] = [
            b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1",
            b"msf1",
        ];
        return !STILL_BRANDS.iter().any(|b| at(8, b));
    }
    at(4, b"moov")
        || at(4, b"mdat")
        || at(4, b"wide")
        || at(0, &[0x1A, 0x45, 0xDF, 0xA3])
        || (at(0, b"RIFF") && at(8, b"AVI "))
        || at(0, &[0, 0, 1, 0xBA])
        || at(0, &[0, 0, 1, 0xB3])
        || (h.len() > 188 && h[0] == 0x47 && h[188] == 0x47)
        || at(0, b"FLV\x01")
        || at(0, b"OggS")
        || at(0, &[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11])
}

/// What `ffprobe` says of a film's first video stream.
#[derive(Debug, Deserialize)]
struct Probe {
    #[serde(default)]
    streams: Vec<ProbeStream>,
    format: Option<ProbeFormat>,
}

#[derive(Debug, Deserialize)]
struct ProbeStream {
    width: Option<u32>,
    height: Option<u32>,
    color_space: Option<String>,
    duration: Option<String>,
    avg_frame_rate: Option<String>,
    r_frame_rate: Option<String>,
    pix_fmt: Option<String>,
    refs: Option<u32>,
    has_b_frames: Option<u32>,
    #[serde(default)]
    side_data_list: Vec<SideData>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct SideData {
    rotation: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct ProbeFormat {
    duration: Option<String>,
}

/// A film as `ffprobe` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilmInfo {
    /// Frame width as decoded (after the film's rotation).
    pub width: u32,
    /// Frame height as decoded.
    pub height: u32,
    /// The YUV matrix its frames are converted with (ffmpeg's name).
    pub matrix: &'static str,
    /// The length its header declares, in milliseconds (not trusted: the
    /// film ends where its frames do).
    pub duration_ms: Option<u64>,
    /// Milliseconds per frame from its declared frame rate (0 if unknown).
    pub frame_ms: u64,
    /// Bytes of one decoded frame in the film's pixel format (as ffmpeg's
    /// decoder holds it, before conversion to RGB).
    pub decoded_frame_bytes: u64,
    /// Frames the decoder keeps besides the one it decodes: reference
    /// frames plus reordering delay, as the stream declares them (16, the
    /// most H.264 and HEVC allow, when it does not say).
    pub held_frames: u64,
}

/// Frames the decoder may keep when the stream declares none (the most
/// H.264 and HEVC allow).
const MOST_HELD_FRAMES: u64 = 16;

/// Bytes of one `width`×`height` frame in ffmpeg's pixel format `format`:
/// chroma subsampling from its name (`420`, `422`, `444`, with `yuv420p`'s
/// 1.5 bytes a pixel when unknown), twice that above 8 bits.
fn frame_bytes(width: u32, height: u32, format: Option<&str>) -> u64 {
    let format = format.unwrap_or("");
    let quarter_bytes_per_pixel: u64 = if format.contains("444")
        || format.starts_with("rgb")
        || format.starts_with("bgr")
        || format.starts_with("gbr")
    {
        12
    } else if format.contains("422") {
        8
    } else {
        6
    };
    let deep = ["p10", "p12", "p14", "p16", "48", "64"]
        .iter()
        .any(|d| format.contains(d));
    let pixels = width as u64 * height as u64;
    pixels * quarter_bytes_per_pixel * if deep { 2 } else { 1 } / 4
}

/// Asks `ffprobe` about the film at `path`, killing it after `allowed`.
pub fn probe(path: &Path, allowed: Duration) -> Result<FilmInfo> {
    let output = run(
        "ffprobe",
        Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "v:0", "-print_format", "json"])
            .args(["-show_entries", "stream=width,height,color_space,duration,avg_frame_rate,r_frame_rate,pix_fmt,refs,has_b_frames:stream_tags=rotate:stream_side_data=rotation:format=duration"])
            .args(input_args(path)?),
        allowed,
    )?;
    if !output.status.success() {
        let text = String::from_utf8_lossy(&output.stderr);
        let reason = text.lines().last().unwrap_or("unknown error").trim();
        // ffprobe names the file first; the record names it already.
        let reason = reason.rsplit_once(": ").map_or(reason, |(_, r)| r);
        return Err(Error::Probe(reason.to_owned()));
    }
    let probe: Probe =
        serde_json::from_slice(&output.stdout).map_err(|e| Error::ProbeAnswer(e.to_string()))?;
    let stream = probe.streams.first().ok_or(Error::NoVideoStream)?;
    let (Some(mut width), Some(mut height)) = (stream.width, stream.height) else {
        return Err(Error::NoFrameSize);
    };
    if width == 0 || height == 0 {
        return Err(Error::NoFrameSize);
    }
    let rotation = stream
        .side_data_list
        .iter()
        .find_map(|s| s.rotation)
        .or_else(|| stream.tags.get("rotate").and_then(|r| r.parse().ok()))
        .unwrap_or(0.0);
    if (rotation.abs() as i64) % 180 == 90 {
        // ffmpeg turns the frames upright.
        std::mem::swap(&mut width, &mut height);
    }
    let duration_ms = probe
        .format
        .as_ref()
        .and_then(|f| f.duration.as_deref())
        .or(stream.duration.as_deref())
        .and_then(|d| d.parse::<f64>().ok())
        .filter(|d| d.is_finite() && *d > 0.0)
        .map(|d| (d * 1000.0).round() as u64);
    let frame_ms = [&stream.avg_frame_rate, &stream.r_frame_rate]
        .into_iter()
        .find_map(|r| frame_interval_ms(r.as_deref()?))
        .unwrap_or(0);
    // Untagged HD and larger video is BT.709 by convention, smaller is
    // BT.601 (ffmpeg's own default is BT.601 for all, which turns HD
    // greens and reds wrong).
    let matrix = match stream.color_space.as_deref() {
        Some("bt709") => "bt709",
        Some("bt2020nc") | Some("bt2020c") => "bt2020",
        Some("smpte170m") | Some("bt470bg") => "bt601",
        Some("smpte240m") => "smpte240m",
        Some("fcc") => "fcc",
        _ if height >= 720 || width >= 1280 => "bt709",
        _ => "bt601",
    };
    // A hostile header may declare anything: at most what the codecs allow.
    let held_frames = match (stream.refs, stream.has_b_frames) {
        (None, None) => MOST_HELD_FRAMES,
        (refs, delay) => {
            (refs.unwrap_or(0) as u64 + delay.unwrap_or(0) as u64).clamp(1, MOST_HELD_FRAMES * 2)
        }
    };
    Ok(FilmInfo {
        width,
        height,
        matrix,
        duration_ms,
        frame_ms,
        decoded_frame_bytes: frame_bytes(width, height, stream.pix_fmt.as_deref()),
        held_frames,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_recognised_and_stills_are_not() {
        let mut mp4 = vec![0, 0, 0, 24];
        mp4.extend(b"ftypisom");
        assert!(is_video_header(&mp4));
        let mut avif = vec![0, 0, 0, 24];
        avif.extend(b"ftypavif");
        assert!(!is_video_header(&avif));
        assert!(is_video_header(&[0x1A, 0x45, 0xDF, 0xA3, 1]));
        assert!(is_video_header(b"RIFF\0\0\0\0AVI LIST"));
        assert!(!is_video_header(b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!is_video_header(b"\x89PNG\r\n\x1a\n"));
        assert!(!is_video_header(&[0xFF, 0xD8, 0xFF]));
    }
}

//! A guest's photo, made safe before it goes anywhere: recognised by its content (JPEG, PNG,
//! WebP or GIF, whatever its name or type says), refused before decoding when it claims more
//! pixels than a phone's camera takes, and drawn again as a fresh JPEG. Only the pixels survive:
//! no EXIF (a phone's GPS position), no comments, no bytes after the image, nothing a browser
//! could take for a script.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

/// The largest upload a phone may send: a photo of a modern phone's camera fits.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;
/// The most pixels a photo may have (a 48-megapixel camera's photo is usually saved smaller).
pub const MAX_PIXELS: u64 = 40_000_000;
/// The longest side of the photo as it is kept: sharp on a projector, small on every laptop.
pub const MAX_SIDE: u32 = 2560;
/// The JPEG quality it is kept at.
const QUALITY: u8 = 85;
/// The most memory decoding may take: 40 megapixels of 16-bit RGBA, and nothing beyond.
const MAX_ALLOC: u64 = MAX_PIXELS * 8;

/// Why a photo was refused; the page words each in the guest's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("not a JPEG, PNG, WebP or GIF image")]
    NotAnImage,
    #[error("more than {MAX_PIXELS} pixels")]
    TooManyPixels,
    #[error("the image cannot be read")]
    Unreadable,
}

impl PhotoError {
    /// The word the page looks its message up by.
    pub(crate) fn word(self) -> &'static str {
        match self {
            PhotoError::NotAnImage => "not-an-image",
            PhotoError::TooManyPixels => "too-many-pixels",
            PhotoError::Unreadable => "unreadable-image",
        }
    }
}

/// The photo in `bytes`, decoded and encoded again as a JPEG of at most [`MAX_SIDE`] pixels on
/// its longest side, turned upright as the camera said it was held.
pub fn reencode(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    // By content only: a name or MIME type is what the phone says, not what the bytes are.
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) {
        return Err(PhotoError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refused)?;
    // The header's size, before a single pixel is allocated: a tiny file may claim a huge image.
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refused)?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    on_white(&picture).write_with_encoder(encoder).map_err(|_| PhotoError::Unreadable)?;
    Ok(out)
}

/// A decoder's refusal: beyond the limits it was given, or not readable.
fn refused(err: image::ImageError) -> PhotoError {
    match err {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::Unreadable,
    }
}

/// The picture's colours, with what was transparent shown on white (JPEG has no transparency).
fn on_white(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 30, 30, 128]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_png_becomes_a_jpeg_of_the_same_size_and_a_large_one_is_made_smaller() {
        let jpeg = reencode(&png(40, 30)).unwrap();
        assert_eq!(image::guess_format(&jpeg).unwrap(), ImageFormat::Jpeg);
        assert_eq!(image::load_from_memory(&jpeg).unwrap().width(), 40);
        let wide = reencode(&png(MAX_SIDE + 100, 10)).unwrap();
        assert_eq!(image::load_from_memory(&wide).unwrap().width(), MAX_SIDE);
    }

    #[test]
    fn anything_else_is_refused_by_its_content() {
        assert_eq!(reencode(b"<script>alert(1)</script>"), Err(PhotoError::NotAnImage));
        assert_eq!(reencode(b""), Err(PhotoError::NotAnImage));
        // A TIFF or a BMP is an image, but not one a phone sends: refused by its first bytes.
        assert_eq!(image::guess_format(b"II*\0\0\0\0\0").ok(), Some(ImageFormat::Tiff));
        assert_eq!(reencode(b"II*\0\0\0\0\0"), Err(PhotoError::NotAnImage));
        assert_eq!(reencode(b"BM\0\0\0\0\0\0\0\0"), Err(PhotoError::NotAnImage));
        // A PNG cut short.
        let cut = png(40, 30);
        assert_eq!(reencode(&cut[..cut.len() / 2]), Err(PhotoError::Unreadable));
    }
}

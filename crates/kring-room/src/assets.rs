//! The phone page: plain HTML, CSS and a small script, in the binary (no build step, nothing
//! loaded from elsewhere).

pub(crate) const PAGE: &str = include_str!("../assets/room.html");
pub(crate) const STYLE: &str = include_str!("../assets/room.css");
pub(crate) const SCRIPT: &str = include_str!("../assets/room.js");

/// Everything a phone loads, in bytes.
pub fn page_bytes() -> usize {
    PAGE.len() + STYLE.len() + SCRIPT.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
            if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// Every colour of the page's declarations `property: #rrggbb`.
    fn colours<'a>(property: &'a str) -> impl Iterator<Item = &'static str> + 'a {
        STYLE.match_indices(property).filter_map(|(at, _)| {
            let value = STYLE[at + property.len()..].trim_start();
            let hex = value.get(..7)?;
            (hex.starts_with('#') && hex[1..].bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
        })
    }

    #[test]
    fn every_text_colour_has_a_contrast_of_at_least_four_and_a_half_to_one() {
        // The page is white; buttons are white text on their own background.
        let texts: Vec<&str> = colours("\n  color:").chain(colours(" color:")).chain(colours("{ color:")).collect();
        assert!(texts.len() >= 5, "{texts:?}");
        for colour in texts.iter().filter(|c| **c != "#ffffff") {
            assert!(contrast(colour, "#ffffff") >= 4.5, "{colour} on white: {:.2}", contrast(colour, "#ffffff"));
        }
        let backgrounds: Vec<&str> = colours("background:").filter(|c| *c != "#ffffff").collect();
        assert!(backgrounds.len() >= 2, "{backgrounds:?}");
        for background in backgrounds {
            assert!(contrast("#ffffff", background) >= 4.5, "white on {background}");
        }
    }

    #[test]
    fn the_page_weighs_less_than_150_kb() {
        assert!(page_bytes() <= 150 * 1024, "{} bytes", page_bytes());
    }
}

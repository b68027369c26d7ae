//! Kring's adjustments to egui's look: text that is hinted or weak (placeholders, dates beside a
//! field) still reads easily, at a contrast of at least 4.5:1 (WCAG AA) in light and dark mode.

/// Applies Kring's style to both themes.
pub fn apply(ctx: &egui::Context) {
    ctx.style_mut_of(egui::Theme::Dark, |style| style.visuals.weak_text_color = Some(egui::Color32::from_gray(165)));
    ctx.style_mut_of(egui::Theme::Light, |style| style.visuals.weak_text_color = Some(egui::Color32::from_gray(90)));
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: egui::Color32, b: egui::Color32) -> f32 {
    let luminance = |c: egui::Color32| {
        let channel = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_weak_text_read_at_4_5_to_1_in_both_themes() {
        let ctx = egui::Context::default();
        apply(&ctx);
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let visuals = &ctx.style_of(theme).visuals;
            for background in [visuals.text_edit_bg_color(), visuals.panel_fill, visuals.window_fill] {
                let ratio = contrast(visuals.weak_text_color(), background);
                assert!(ratio >= 4.5, "{theme:?}: {ratio:.1}:1 on {background:?}");
            }
        }
    }
}

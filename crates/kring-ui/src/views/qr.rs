//! A ticket as a QR code, painted square by square (no image needed).

use qrcode::{Color, QrCode};

/// Paints `text` as a QR code of `size` points; nothing if the text is too long for one.
pub fn show(ui: &mut egui::Ui, text: &str, size: f32) {
    let Ok(code) = QrCode::new(text.as_bytes()) else { return };
    let width = code.width();
    // A quiet zone of two modules on every side, as scanners expect.
    let modules = width + 4;
    let module = size / modules as f32;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = ((i % width + 2) as f32, (i / width + 2) as f32);
            let min = rect.min + egui::vec2(x * module, y * module);
            painter.rect_filled(egui::Rect::from_min_size(min, egui::vec2(module, module)), 0.0, egui::Color32::BLACK);
        }
    }
    response.on_hover_text("QR");
}

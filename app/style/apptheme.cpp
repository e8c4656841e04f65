#include "apptheme.h"

#include "colorscheme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace apptheme {

void apply(QApplication &application, const QString &name)
{
    application.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    const bool light = name == QLatin1String("light");
    QPalette palette;
    const QColor window = light ? QColor(0xf1, 0xf5, 0xf9) : colorscheme::background;
    const QColor base = light ? QColor(Qt::white) : colorscheme::panel;
    const QColor text = light ? QColor(0x0f, 0x17, 0x2a) : colorscheme::text;
    const QColor button = light ? QColor(0xe2, 0xe8, 0xf0) : QColor(0x1a, 0x25, 0x3f);
    const QColor accent = light ? QColor(0x08, 0x91, 0xb2) : colorscheme::cyan;
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, button);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::Highlight, accent);
    palette.setColor(QPalette::HighlightedText, light ? QColor(Qt::white) : colorscheme::background);
    palette.setColor(QPalette::Link, accent);
    palette.setColor(QPalette::PlaceholderText, colorscheme::mutedText);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, colorscheme::mutedText);
    palette.setColor(QPalette::Disabled, QPalette::WindowText, colorscheme::mutedText);
    palette.setColor(QPalette::Disabled, QPalette::Text, colorscheme::mutedText);
    application.setPalette(palette);

    const QString border = light ? QStringLiteral("#cbd5e1") : colorscheme::panelBorder.name();
    application.setStyleSheet(
        QStringLiteral(R"(
        QToolBar { spacing: 6px; padding: 4px; border: none; border-bottom: 1px solid %1; }
        QToolBar QToolButton { padding: 4px 10px; border-radius: 5px; border: 1px solid %1; }
        QToolBar QToolButton:checked { background: %2; color: %3; border-color: %2; }
        QToolBar QToolButton:hover { border-color: %2; }
        QDockWidget::title { padding: 6px; background: %4; }
        QLabel#caption { color: %5; }
        QLabel#verdict { font-size: 14px; padding: 4px 8px; border: 1px solid %7; border-radius: 6px; }
        QLabel#viewTitle { color: %5; padding: 4px 8px; }
        QLabel#teachingTitle { font-size: 16px; font-weight: bold; color: %6; }
        QLabel#inspectorTitle { font-size: 14px; }
        QFrame#teachingPanel { border: 1px solid %6; border-radius: 8px; background: %4; }
        QProgressBar { border: 1px solid %1; border-radius: 4px; text-align: center; }
        QProgressBar::chunk { background: %2; border-radius: 3px; }
        QStatusBar { border-top: 1px solid %1; }
        QStatusBar QLabel { padding: 0 6px; }
        QLabel#captionStrip { font-size: 14px; padding: 6px 10px; border-left: 4px solid %7; background: %4; }
        QLabel#viewLegend { color: %5; padding: 0 8px; }
        QLabel#journeyHint { border: 1px solid %7; border-radius: 6px; }
    )")
            .arg(border, accent.name(), light ? QStringLiteral("white") : colorscheme::background.name(), base.name(),
                 colorscheme::mutedText.name(), colorscheme::orange.name(), colorscheme::teal.name()));
}

} // namespace apptheme

// Window themes: "dark" (navy, as the web page) and "light". Palette + a small style sheet.
#pragma once

#include <QString>

class QApplication;

namespace apptheme {
void apply(QApplication &application, const QString &name); // "dark" (default) or "light"
} // namespace apptheme

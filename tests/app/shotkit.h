// What the screenshot tools (nnj-journey-shots, nnj-classroom-shots) share: waiting for the window
// to catch up, and photographing a widget as it is on the screen.
#pragma once

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>
#include <QScreen>
#include <QTextStream>
#include <QWidget>

#include <functional>

namespace shotkit {

// Runs the event loop for a while (the 3D view renders on its own thread meanwhile).
inline void settle(int milliseconds)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < milliseconds)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
}

// Runs the event loop until `condition` holds (true) or the time is up (false).
inline bool waitFor(const std::function<bool()> &condition, int milliseconds)
{
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() > milliseconds)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// The screen's pixels where the widget is: the 3D view is a native window of its own, and only
// the screen has it composed with the widgets.
inline void shoot(QWidget *widget, const QString &path, int settleMs = 500)
{
    settle(settleMs);
    const QRect area(widget->mapToGlobal(QPoint(0, 0)), widget->size());
    const QPixmap pixmap = widget->screen()->grabWindow(0, area.x(), area.y(), area.width(), area.height());
    QTextStream(stdout) << (pixmap.save(path) ? "saved " : "FAILED ") << path << '\n';
}

} // namespace shotkit

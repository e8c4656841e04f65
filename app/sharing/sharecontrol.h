// What the window needs from the embedded server for sharing: the URL it serves, the number
// of connected browsers, and switching between loopback and the LAN (with the join token).
// An interface so the window and its tests do not depend on how the server is built.
#pragma once

#include <QObject>
#include <QString>

class ShareControl : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~ShareControl() override = default;

    virtual bool isListening() const = 0;
    virtual QString localUrl() const = 0; // e.g. http://127.0.0.1:8000/
    virtual bool isSharedOnLan() const = 0;
    // The URL students open, with ?token=… so they may drive; empty when not on the LAN.
    virtual QString joinUrl() const = 0;
    virtual int viewerCount() const = 0;
    // Rebinds; returns an empty string on success, else the error (the old binding stays).
    virtual QString setSharedOnLan(bool shared) = 0;

signals:
    void viewerCountChanged(int count);
    void bindingChanged();
};

// What the window needs from the embedded server for sharing: the URL it serves, the number
// of connected browsers, and switching between loopback and the LAN (with the join token).
// An interface so the window and its tests do not depend on how the server is built.
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

namespace server {
class Classroom;
}

class ShareControl : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~ShareControl() override = default;

    virtual bool isListening() const = 0;
    virtual QString localUrl() const = 0; // e.g. http://127.0.0.1:8000/
    virtual bool isSharedOnLan() const = 0;
    // The presenter's join URL, with ?token=… (whoever opens it controls the run); empty when not
    // on the LAN. Shown only on request.
    virtual QString joinUrl() const = 0;
    // The URL students open: the join URL without its token, so they join as viewers and the
    // presenter hands control over. Empty when not on the LAN.
    QString studentUrl() const
    {
        QUrl url(joinUrl());
        if (url.isEmpty())
            return {};
        QUrlQuery query(url);
        query.removeAllQueryItems(QStringLiteral("token"));
        url.setQuery(query.isEmpty() ? QString() : query.query());
        return url.toString();
    }
    virtual int viewerCount() const = 0;
    // Rebinds; returns an empty string on success, else the error (the old binding stays).
    virtual QString setSharedOnLan(bool shared) = 0;
    // The classroom of the connected browsers, where the desktop is the presenter; null without
    // a server (tests, or a build without it).
    virtual server::Classroom *classroom() const { return nullptr; }

signals:
    void viewerCountChanged(int count);
    void bindingChanged();
};

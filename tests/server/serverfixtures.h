// Shared helpers for the server tests: tiny synthetic MNIST files written by the test itself,
// a raw HTTP/1.1 client (full control over Host/Origin/forwarding headers) and a JSON helper.
#pragma once

#include "session.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include <cstdint>
#include <memory>

namespace fixtures {

inline void appendBigEndian(QByteArray &out, quint32 value)
{
    out.append(char(value >> 24)).append(char(value >> 16)).append(char(value >> 8)).append(char(value));
}

// Digit c is a bright 8x8 block at a position that depends on c, plus deterministic noise,
// so a small network learns it within one epoch.
inline void writeMnist(const QString &directory, int trainCount, int testCount)
{
    QDir().mkpath(directory);
    const auto write = [&](const QString &prefix, int count, quint32 seed) {
        QByteArray images, labels;
        appendBigEndian(images, 0x803);
        appendBigEndian(images, quint32(count));
        appendBigEndian(images, 28);
        appendBigEndian(images, 28);
        appendBigEndian(labels, 0x801);
        appendBigEndian(labels, quint32(count));
        quint32 state = seed;
        for (int i = 0; i < count; ++i) {
            const int digit = i % 10;
            labels.append(char(digit));
            const int top = 2 + (digit / 5) * 12, left = 1 + (digit % 5) * 5;
            for (int y = 0; y < 28; ++y) {
                for (int x = 0; x < 28; ++x) {
                    state = state * 1664525u + 1013904223u;
                    int value = (state >> 24) < 20 ? int(state >> 26) * 10 : 0;
                    if (y >= top && y < top + 10 && x >= left && x < left + 5)
                        value = 200 + int((state >> 28) & 0x7) * 7;
                    images.append(char(value));
                }
            }
        }
        QFile imageFile(directory + u'/' + prefix + QStringLiteral("-images-idx3-ubyte"));
        QFile labelFile(directory + u'/' + prefix + QStringLiteral("-labels-idx1-ubyte"));
        QVERIFY(imageFile.open(QIODevice::WriteOnly));
        QVERIFY(labelFile.open(QIODevice::WriteOnly));
        imageFile.write(images);
        labelFile.write(labels);
    };
    write(QStringLiteral("train"), trainCount, 1);
    write(QStringLiteral("t10k"), testCount, 2);
}

// Session options for a small synthetic MNIST written into `directory`, never downloading.
inline server::SessionOptions offlineOptions(const QString &directory, int trainCount, int testCount)
{
    writeMnist(directory, trainCount, testCount);
    server::SessionOptions options;
    options.mnistDirectory = directory;
    options.allowDownload = false;
    return options;
}

// A Session on a small synthetic MNIST written into `directory`, never downloading.
inline std::unique_ptr<server::Session> offlineSession(const QString &directory, int trainCount = 200,
                                                       int testCount = 50)
{
    return std::make_unique<server::Session>(offlineOptions(directory, trainCount, testCount));
}

struct HttpResponse
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// Parses one response from `data`; returns false when it is not complete yet.
inline bool parseResponse(const QByteArray &data, HttpResponse *response)
{
    const qsizetype headerEnd = data.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return false;
    const QList<QByteArray> lines = data.left(headerEnd).split('\n');
    HttpResponse parsed;
    parsed.status = lines.first().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            parsed.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = parsed.headers.value("content-length", "0").toLongLong();
    if (data.size() < headerEnd + 4 + length)
        return false;
    parsed.body = data.mid(headerEnd + 4, length);
    *response = parsed;
    return true;
}

// Sends `request` verbatim and waits (≤ timeoutMs) for one response. status 0: none / closed.
// `source`: the local address to send from (any of 127.0.0.0/8 reaches the server on 127.0.0.1).
inline HttpResponse rawRequest(quint16 port, const QByteArray &request, int timeoutMs = 10000,
                               const QHostAddress &source = {})
{
    QTcpSocket socket;
    if (!source.isNull())
        socket.bind(source);
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    HttpResponse response;
    if (!socket.waitForConnected(timeoutMs))
        return response;
    socket.write(request);
    QByteArray data;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 && socket.state() != QAbstractSocket::ConnectedState)
            break;
        // Serve the event loop of the in-process server while waiting.
        QTest::qWait(2);
        data += socket.readAll();
        if (parseResponse(data, &response))
            return response;
    }
    return response;
}

// A request line plus headers; adds Host and Content-Length.
inline QByteArray buildRequest(const QByteArray &method, const QByteArray &target, quint16 port,
                               const QByteArray &body = {}, const QList<QByteArray> &extraHeaders = {},
                               bool withHost = true)
{
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\n";
    if (withHost)
        request += "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const QByteArray &header : extraHeaders)
        request += header + "\r\n";
    if (!body.isEmpty() || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    return request;
}

inline HttpResponse get(quint16 port, const QByteArray &target, const QList<QByteArray> &headers = {})
{
    return rawRequest(port, buildRequest("GET", target, port, {}, headers));
}

inline HttpResponse post(quint16 port, const QByteArray &target, const QByteArray &body = {},
                         const QList<QByteArray> &headers = {})
{
    return rawRequest(port, buildRequest("POST", target, port, body, headers));
}

} // namespace fixtures

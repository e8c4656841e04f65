// A test WebSocket client that records every JSON message it receives.
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

class WsClient : public QObject
{
public:
    explicit WsClient(const QString &origin = {}) : socket(origin)
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            messages << QJsonDocument::fromJson(text.toUtf8()).object();
            bytes += text.size();
        });
        // Binary frames (the binary wire) are kept as they came: their JSON header as the message,
        // the raw bytes beside it (binaryFrames[i] belongs to the message at binaryIndex[i]).
        connect(&socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &frame) {
            bytes += frame.size();
            const qsizetype headerSize = frame.size() >= 8 ? qFromLittleEndian<quint32>(frame.constData() + 4) : 0;
            binaryIndex << messages.size();
            binaryFrames << frame;
            messages << QJsonDocument::fromJson(frame.mid(8, headerSize)).object();
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] { closed = true; });
    }

    bool open(quint16 port, const QByteArray &query = {}, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(
            QUrl(QStringLiteral("ws://127.0.0.1:%1/ws%2").arg(port).arg(QString::fromLatin1(query))));
        for (const auto &header : headers)
            request.setRawHeader(header.first, header.second);
        socket.open(request);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState || closed; }, 5000)
               && socket.state() == QAbstractSocket::ConnectedState;
    }

    void send(const QJsonObject &message)
    {
        socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }

    // Index of the first message of `type` at or after `from`, -1 if none.
    int indexOf(const QString &type, int from = 0) const
    {
        for (int i = from; i < messages.size(); ++i) {
            if (messages[i].value(QStringLiteral("type")).toString() == type)
                return i;
        }
        return -1;
    }
    int count(const QString &type) const
    {
        int n = 0;
        for (const auto &message : messages)
            n += message.value(QStringLiteral("type")).toString() == type;
        return n;
    }
    bool waitFor(const QString &type, int timeoutMs = 10000, int from = 0)
    {
        return QTest::qWaitFor([&] { return indexOf(type, from) >= 0; }, timeoutMs);
    }
    QJsonObject first(const QString &type) const { return messages.value(indexOf(type)); }
    QJsonObject last(const QString &type) const
    {
        for (qsizetype i = messages.size() - 1; i >= 0; --i) {
            if (messages[i].value(QStringLiteral("type")).toString() == type)
                return messages[i];
        }
        return {};
    }

    QWebSocket socket;
    QList<QJsonObject> messages;
    QList<QByteArray> binaryFrames;
    QList<qsizetype> binaryIndex;
    qint64 bytes = 0;
    bool closed = false;
};

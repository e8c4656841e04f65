// The classroom's bookkeeping on its own: display names (trimmed, 24 characters, any script,
// nothing that hides or reorders text), roles and the control hand-off rules, the driver key,
// and the gallery's bounds and per-participant rate.
#include "classroom.h"
#include "gallery.h"
#include "participants.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using server::DeviceKind;
using server::ParticipantRole;
using server::Participants;

class TestClassroom : public QObject
{
    Q_OBJECT

private slots:
    void displayNames_data();
    void displayNames();
    void handOffRules();
    void leavingDriverGivesControlBack();
    void participantsJson();
    void galleryIsBoundedAndRateLimited();
    void galleryMessages();
    void classroomFlow();
    void submissionsAreValidatedAndRateLimited();
    void presenterViewIsCleanedAndOnlyFromThePresenter();
};

namespace {
// Records what a Classroom emits: messages to all, and per client.
struct Outbox
{
    explicit Outbox(server::Classroom &room)
    {
        QObject::connect(&room, &server::Classroom::toAll, [this](const QByteArray &m) { all.append(parse(m)); });
        QObject::connect(&room, &server::Classroom::toClient, [this](const QString &id, const QByteArray &m) {
            direct.append({id, parse(m)});
        });
    }
    static QJsonObject parse(const QByteArray &m) { return QJsonDocument::fromJson(m).object(); }
    QJsonObject lastOfType(const QString &type) const
    {
        for (auto it = all.crbegin(); it != all.crend(); ++it)
            if (it->value(u"type"_s).toString() == type)
                return *it;
        return {};
    }
    QString lastErrorFor(const QString &id) const
    {
        for (auto it = direct.crbegin(); it != direct.crend(); ++it)
            if (it->first == id && it->second.value(u"type"_s).toString() == u"error"_s)
                return it->second.value(u"message"_s).toString();
        return {};
    }
    QList<QJsonObject> all;
    QList<std::pair<QString, QJsonObject>> direct;
};

// A stand-in network: predicts the digit given by the brightest of the first ten pixels.
core::Prediction brightestOfTen(const float *pixels)
{
    core::Prediction p;
    p.digit = int(std::max_element(pixels, pixels + 10) - pixels);
    p.probabilities[p.digit] = 1;
    return p;
}

QJsonArray pixelsFor(int digit)
{
    QJsonArray pixels;
    for (int i = 0; i < 784; ++i)
        pixels.append(i == digit ? 1.0 : 0.0);
    return pixels;
}
} // namespace

void TestClassroom::displayNames_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("cleaned");
    QTest::newRow("trimmed") << u"  Ada  "_s << u"Ada"_s;
    QTest::newRow("inner spaces folded") << u"Ada \t\n Lovelace"_s << u"Ada Lovelace"_s;
    QTest::newRow("other scripts") << u"Łucja 王芳 مريم"_s << u"Łucja 王芳 مريم"_s;
    QTest::newRow("html kept as text") << u"<b>x</b>"_s << u"<b>x</b>"_s; // clients escape; the server never renders
    QTest::newRow("24 characters") << QString(30, u'a') << QString(24, u'a');
    QTest::newRow("emoji count as one") << QString::fromUtf8("😀😀😀") << QString::fromUtf8("😀😀😀");
    QTest::newRow("bidi override removed") << u"ab\u202Ecd"_s << u"abcd"_s;
    QTest::newRow("zero width removed") << u"a\u200Bb"_s << u"ab"_s;
    QTest::newRow("controls removed") << u"a\u0007b\u0000"_s << u"ab"_s;
    QTest::newRow("only spaces") << u"   "_s << QString();
}

void TestClassroom::displayNames()
{
    QFETCH(QString, raw);
    QFETCH(QString, cleaned);
    QCOMPARE(Participants::cleanDisplayName(raw), cleaned);
    QVERIFY(Participants::cleanDisplayName(raw).toUcs4().size() <= Participants::kMaxNameLength);
}

void TestClassroom::handOffRules()
{
    Participants room;
    room.join(u"p"_s, true, DeviceKind::Computer, 1000);
    room.join(u"a"_s, false, DeviceKind::Phone, 2000);
    room.join(u"b"_s, false, DeviceKind::Computer, 3000);
    QCOMPARE(room.role(u"p"_s), ParticipantRole::Presenter);
    QCOMPARE(room.role(u"a"_s), ParticipantRole::Viewer);

    QVERIFY(room.raiseHand(u"a"_s, true).isEmpty());
    QVERIFY(room.find(u"a"_s)->handRaised);
    QVERIFY(!room.raiseHand(u"p"_s, true).isEmpty()); // the presenter has control already

    QVERIFY(room.grant(u"b"_s, u"a"_s).contains(u"only the presenter"_s));
    QVERIFY(room.driver().isEmpty());
    QVERIFY(room.grant(u"p"_s, u"nobody"_s).startsWith(u"client_id"_s));
    QVERIFY(room.grant(u"p"_s, u"p"_s).startsWith(u"client_id"_s));

    QVERIFY(room.grant(u"p"_s, u"a"_s).isEmpty());
    QCOMPARE(room.role(u"a"_s), ParticipantRole::Driver);
    QVERIFY(!room.find(u"a"_s)->handRaised); // granted: the hand goes down
    const QByteArray firstKey = room.driverKey();
    QVERIFY(firstKey.size() >= 32);
    QVERIFY(room.driverKeyMatches(firstKey));
    QVERIFY(!room.driverKeyMatches(firstKey.left(31)));

    // Granting another replaces the driver and its key.
    QVERIFY(room.grant(u"p"_s, u"b"_s).isEmpty());
    QCOMPARE(room.role(u"a"_s), ParticipantRole::Viewer);
    QCOMPARE(room.role(u"b"_s), ParticipantRole::Driver);
    QVERIFY(!room.driverKeyMatches(firstKey));

    QVERIFY(room.revoke(u"a"_s).contains(u"only the presenter"_s));
    QVERIFY(room.revoke(u"p"_s).isEmpty());
    QVERIFY(room.driver().isEmpty());
    QVERIFY(!room.driverKeyMatches(QByteArray()));

    // A driver may give control back itself; the desktop grants without a connection.
    QVERIFY(room.grantAsDesktop(u"a"_s).isEmpty());
    QVERIFY(room.revoke(u"a"_s).isEmpty());
    QVERIFY(room.driver().isEmpty());
}

void TestClassroom::leavingDriverGivesControlBack()
{
    Participants room;
    room.join(u"p"_s, true, DeviceKind::Computer, 0);
    room.join(u"a"_s, false, DeviceKind::Computer, 0);
    QVERIFY(room.grant(u"p"_s, u"a"_s).isEmpty());
    const QByteArray key = room.driverKey();
    room.leave(u"a"_s);
    QVERIFY(room.driver().isEmpty());
    QVERIFY(!room.driverKeyMatches(key));
    QVERIFY(!room.contains(u"a"_s));
}

void TestClassroom::participantsJson()
{
    Participants room;
    room.join(u"p"_s, true, DeviceKind::Computer, 1000);
    room.join(u"a"_s, false, DeviceKind::Phone, 2000);
    QVERIFY(room.setName(u"a"_s, u"  <img src=x onerror=alert(1)>  "_s).isEmpty());
    QVERIFY(room.grant(u"p"_s, u"a"_s).isEmpty());
    const QJsonArray list = room.toJson();
    QCOMPARE(list.size(), 2);
    const QJsonObject a = list[1].toObject();
    QCOMPARE(a.value(u"client_id"_s).toString(), u"a"_s);
    QCOMPARE(a.value(u"name"_s).toString(), u"<img src=x onerror=alert(1)>"_s.left(24));
    QCOMPARE(a.value(u"role"_s).toString(), u"driver"_s);
    QCOMPARE(a.value(u"driver"_s).toBool(), true);
    QCOMPARE(a.value(u"device"_s).toString(), u"phone"_s);
    QCOMPARE(a.value(u"since_ms"_s).toDouble(), 2000.0);
    QCOMPARE(list[0].toObject().value(u"role"_s).toString(), u"presenter"_s);
    QVERIFY(!list.toVariantList().isEmpty());
    QVERIFY(!room.toJson().contains(
        QJsonValue(QString::fromLatin1(room.driverKey())))); // the key never travels in the list
}

void TestClassroom::galleryIsBoundedAndRateLimited()
{
    server::Gallery gallery;
    qint64 now = 1'000'000;
    for (int i = 0; i < server::Gallery::kBurst; ++i)
        QVERIFY(gallery.admit(u"a"_s, now));
    double retry = 0;
    QVERIFY(!gallery.admit(u"a"_s, now, &retry));
    QVERIFY(retry > 0 && retry <= server::Gallery::kRefillSeconds);
    QVERIFY(gallery.admit(u"b"_s, now)); // per participant
    QVERIFY(!gallery.admit(u"a"_s, now + 1000));
    QVERIFY(gallery.admit(u"a"_s, now + qint64(server::Gallery::kRefillSeconds * 1000)));

    std::vector<quint64> evicted;
    for (int i = 0; i < server::Gallery::kCapacity + 5; ++i) {
        server::GalleryItem item;
        item.clientId = u"a"_s;
        item.pixels.assign(784, float(i % 2));
        gallery.add(std::move(item), &evicted);
    }
    QCOMPARE(int(gallery.items().size()), server::Gallery::kCapacity);
    QCOMPARE(evicted, (std::vector<quint64>{1, 2, 3, 4, 5}));
    QCOMPARE(gallery.items().front().id, quint64(6));
    QVERIFY(gallery.remove(100));
    QVERIFY(!gallery.remove(100));
    QVERIFY(!gallery.find(100));
    gallery.clear();
    QVERIFY(gallery.items().empty());
}

void TestClassroom::galleryMessages()
{
    server::GalleryItem item;
    item.id = 7;
    item.clientId = u"c1"_s;
    item.name = u"\"Zoë\" </script>"_s;
    item.pixels.assign(784, 0.5f);
    item.prediction.digit = 3;
    item.prediction.probabilities[3] = 0.9f;
    item.atMs = 42;
    QJsonParseError error;
    const QJsonObject message = QJsonDocument::fromJson(server::Gallery::itemMessage(item), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(message.value(u"type"_s).toString(), u"gallery_item"_s);
    QCOMPARE(message.value(u"name"_s).toString(), item.name);
    QCOMPARE(message.value(u"pixels"_s).toArray().size(), 784);
    QCOMPARE(message.value(u"prediction"_s).toInt(), 3);
    QCOMPARE(message.value(u"probabilities"_s).toArray()[3].toDouble(), 0.9);
    const QJsonObject removed = QJsonDocument::fromJson(server::Gallery::removedMessage({4, 9}, false)).object();
    QCOMPARE(removed.value(u"ids"_s).toArray(), (QJsonArray{4, 9}));
    QCOMPARE(removed.value(u"cleared"_s).toBool(), false);
}

void TestClassroom::classroomFlow()
{
    server::Classroom room(brightestOfTen);
    qint64 now = 5000;
    room.setClock([&now] { return now; });
    Outbox out(room);
    room.join(u"1"_s, true, DeviceKind::Computer);
    room.join(u"2"_s, false, DeviceKind::Computer);
    room.join(u"3"_s, false, DeviceKind::Computer);
    room.handle(u"2"_s, {{u"type"_s, u"hello"_s}, {u"name"_s, u"  Zoë  "_s}, {u"device"_s, u"phone"_s}});
    QJsonArray list = out.lastOfType(u"participants"_s).value(u"participants"_s).toArray();
    QCOMPARE(list.size(), 3);
    QCOMPARE(list[1].toObject().value(u"name"_s).toString(), u"Zoë"_s);
    QCOMPARE(list[1].toObject().value(u"device"_s).toString(), u"phone"_s);

    room.handle(u"2"_s, {{u"type"_s, u"raise_hand"_s}});
    QVERIFY(out.lastOfType(u"participants"_s)
                .value(u"participants"_s)
                .toArray()[1]
                .toObject()
                .value(u"hand_raised"_s)
                .toBool());
    room.handle(u"3"_s, {{u"type"_s, u"grant_control"_s}, {u"client_id"_s, u"3"_s}});
    QVERIFY(out.lastErrorFor(u"3"_s).contains(u"only the presenter"_s));
    room.handle(u"1"_s, {{u"type"_s, u"grant_control"_s}, {u"client_id"_s, u"2"_s}});
    QCOMPARE(out.lastOfType(u"control"_s).value(u"driver"_s).toString(), u"2"_s);
    QVERIFY(room.isDriver(u"2"_s));
    // Only the driver gets its key, and the key works for HTTP until control is taken back.
    QByteArray key;
    for (const auto &[id, message] : out.direct)
        if (message.value(u"type"_s).toString() == u"control_granted"_s) {
            QCOMPARE(id, u"2"_s);
            key = message.value(u"driver_key"_s).toString().toLatin1();
        }
    QVERIFY(room.driverKeyValid(key));
    room.handle(u"1"_s, {{u"type"_s, u"revoke_control"_s}});
    QVERIFY(out.lastOfType(u"control"_s).value(u"driver"_s).isNull());
    QVERIFY(!room.driverKeyValid(key));

    // A late joiner gets the room as it is.
    room.handle(u"2"_s, {{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, pixelsFor(7)}});
    const QList<QByteArray> snapshot = room.snapshot();
    QCOMPARE(Outbox::parse(snapshot[0]).value(u"type"_s).toString(), u"participants"_s);
    QCOMPARE(Outbox::parse(snapshot[1]).value(u"type"_s).toString(), u"control"_s);
    const QJsonObject item = Outbox::parse(snapshot[2]);
    QCOMPARE(item.value(u"type"_s).toString(), u"gallery_item"_s);
    QCOMPARE(item.value(u"prediction"_s).toInt(), 7);
    QCOMPARE(item.value(u"name"_s).toString(), u"Zoë"_s);

    // The presenter shows, hides and clears; others may not.
    const quint64 id = quint64(item.value(u"id"_s).toDouble());
    room.handle(u"3"_s, {{u"type"_s, u"remove_gallery_item"_s}, {u"id"_s, double(id)}});
    QVERIFY(out.lastErrorFor(u"3"_s).contains(u"Only the presenter"_s));
    QCOMPARE(int(room.gallery().items().size()), 1);
    QSignalSpy shown(&room, &server::Classroom::galleryItemShown);
    room.handle(u"1"_s, {{u"type"_s, u"show_gallery_item"_s}, {u"id"_s, double(id)}});
    QCOMPARE(shown.size(), 1);
    QCOMPARE(out.lastOfType(u"gallery_show"_s).value(u"id"_s).toDouble(), double(id));
    room.handle(u"1"_s, {{u"type"_s, u"show_gallery_item"_s}, {u"id"_s, 999.0}});
    QVERIFY(out.lastErrorFor(u"1"_s).startsWith(u"id:"_s));
    room.handle(u"1"_s, {{u"type"_s, u"remove_gallery_item"_s}, {u"id"_s, double(id)}});
    QCOMPARE(out.lastOfType(u"gallery_removed"_s).value(u"ids"_s).toArray(), (QJsonArray{double(id)}));
    room.handle(u"1"_s, {{u"type"_s, u"clear_gallery"_s}});
    QVERIFY(out.lastOfType(u"gallery_removed"_s).value(u"cleared"_s).toBool());

    // A driver who leaves hands control back; everyone hears it.
    QVERIFY(room.grantFromDesktop(u"3"_s).isEmpty());
    room.leave(u"3"_s);
    QVERIFY(out.lastOfType(u"control"_s).value(u"driver"_s).isNull());
    QCOMPARE(out.lastOfType(u"participants"_s).value(u"participants"_s).toArray().size(), 2);
}

void TestClassroom::submissionsAreValidatedAndRateLimited()
{
    server::Classroom room(brightestOfTen);
    qint64 now = 0;
    room.setClock([&now] { return now; });
    Outbox out(room);
    room.join(u"a"_s, false, DeviceKind::Phone);
    room.handle(u"a"_s, {{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, QJsonArray{0.5, 0.5}}});
    QVERIFY2(out.lastErrorFor(u"a"_s).startsWith(u"pixels: must be an array of 784"_s),
             qPrintable(out.lastErrorFor(u"a"_s)));
    QJsonArray bad = pixelsFor(1);
    bad[10] = 2.0;
    room.handle(u"a"_s, {{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, bad}});
    QCOMPARE(out.lastErrorFor(u"a"_s), u"pixels[10]: must be a number in 0..1"_s);
    bad[10] = u"x"_s;
    room.handle(u"a"_s, {{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, bad}});
    QCOMPARE(out.lastErrorFor(u"a"_s), u"pixels[10]: must be a number in 0..1"_s);
    QVERIFY(room.gallery().items().empty()); // refusals cost nothing ...
    for (int i = 0; i < server::Gallery::kBurst; ++i)
        room.handle(u"a"_s, {{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, pixelsFor(i)}});
    QCOMPARE(int(room.gallery().items().size()), server::Gallery::kBurst);
    room.handle(u"a"_s, {{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, pixelsFor(4)}});
    QVERIFY(out.lastErrorFor(u"a"_s).startsWith(u"Too many drawings"_s)); // ... the burst is spent
    QCOMPARE(int(room.gallery().items().size()), server::Gallery::kBurst);
    now += qint64(server::Gallery::kRefillSeconds * 1000);
    room.handle(u"a"_s, {{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, pixelsFor(4)}});
    QCOMPARE(int(room.gallery().items().size()), server::Gallery::kBurst + 1);
}

void TestClassroom::presenterViewIsCleanedAndOnlyFromThePresenter()
{
    server::Classroom room(brightestOfTen);
    Outbox out(room);
    room.join(u"p"_s, true, DeviceKind::Computer);
    room.join(u"v"_s, false, DeviceKind::Computer);
    room.handle(u"v"_s, {{u"type"_s, u"presenter_view"_s}, {u"view"_s, u"features"_s}});
    QVERIFY(out.lastErrorFor(u"v"_s).contains(u"Only the presenter"_s));
    QVERIFY(out.lastOfType(u"presenter_view"_s).isEmpty());
    room.handle(u"p"_s,
                {{u"type"_s, u"presenter_view"_s},
                 {u"camera"_s, QJsonObject{{u"position"_s, QJsonArray{1, 2, 3}},
                                           {u"target"_s, QJsonArray{0, 0}},
                                           {u"frame"_s, u"window"_s},
                                           {u"orbit"_s, QJsonObject{{u"yaw"_s, 30}, {u"pitch"_s, 1e9}, {u"zoom"_s, 2}}},
                                           {u"fov"_s, 40}}},
                 {u"selected"_s, QJsonObject{{u"layer"_s, 1}, {u"neuron"_s, 5}}},
                 {u"view"_s, QString(100, u'x')},
                 {u"extra"_s, u"dropped"_s}});
    const QJsonObject view = out.lastOfType(u"presenter_view"_s);
    QCOMPARE(view.value(u"camera"_s).toObject().value(u"position"_s).toArray(), (QJsonArray{1, 2, 3}));
    QVERIFY(view.value(u"camera"_s).toObject().value(u"target"_s).isNull()); // not three numbers
    QCOMPARE(view.value(u"camera"_s).toObject().value(u"frame"_s).toString(), u"window"_s);
    const QJsonObject orbit = view.value(u"camera"_s).toObject().value(u"orbit"_s).toObject();
    QCOMPARE(orbit.value(u"yaw"_s).toDouble(), 30.0);
    QVERIFY(orbit.value(u"pitch"_s).isNull()); // out of range
    QCOMPARE(orbit.value(u"zoom"_s).toDouble(), 2.0);
    QVERIFY(!view.value(u"camera"_s).toObject().contains(u"fov"_s));
    QCOMPARE(view.value(u"selected"_s).toObject().value(u"neuron"_s).toInt(), 5);
    QCOMPARE(view.value(u"view"_s).toString().size(), 32);
    QVERIFY(!view.contains(u"extra"_s));
    QCOMPARE(Outbox::parse(room.snapshot().last()), view); // late joiners follow too
}

QTEST_GUILESS_MAIN(TestClassroom)
#include "tst_classroom.moc"

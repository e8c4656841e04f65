// The classroom in the desktop window: the QR code, the invite dialog (the students' link, the
// presenter's only on request), the presenter's view throttle, and — over a real server with real
// WebSocket clients — the participants dock and the hand-off, the class gallery with the server's
// predictions and "Show in network", and the presenter's view reaching a follower.
#include "classgallerypanel.h"
#include "drawpanel.h"
#include "idxreader.h"
#include "invitedialog.h"
#include "learningviews.h"
#include "mainwindow.h"
#include "networkview.h"
#include "participantspanel.h"
#include "presenterviewsync.h"
#include "qrcode.h"
#include "server.h"
#include "servershare.h"
#include "session.h"

#include "../server/serverfixtures.h"
#include "../server/wsclient.h"

#include <QCheckBox>
#include <QDockWidget>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

class FakeShare : public ShareControl
{
public:
    bool shared = false;
    bool isListening() const override { return true; }
    QString localUrl() const override { return u"http://127.0.0.1:8000/"_s; }
    bool isSharedOnLan() const override { return shared; }
    QString joinUrl() const override { return shared ? u"http://10.0.0.5:8000/?token=abc123"_s : QString(); }
    int viewerCount() const override { return 0; }
    QString setSharedOnLan(bool on) override
    {
        shared = on;
        emit bindingChanged();
        return {};
    }
};

QString idOf(const WsClient &client)
{
    return client.first(u"connected"_s).value(u"client_id"_s).toString();
}

bool isDark(const QImage &image, int x, int y)
{
    return qGray(image.pixel(x, y)) < 128;
}

// Any visible label of `root` showing `text` exactly.
QLabel *labelWithText(QWidget *root, const QString &text)
{
    for (QLabel *label : root->findChildren<QLabel *>())
        if (label->text() == text)
            return label;
    return nullptr;
}

} // namespace

class TestDeskClassroom : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void qrCodeIsSquareWithQuietZone();
    void inviteDialogShowsTokenOnlyOnRequest();
    void presenterViewIsThrottledAndSentOnChange();

    void cleanup();
    void participantsDockAndHandOff();
    void classGalleryAndShowInNetwork();
    void presenterViewReachesFollowers();

private:
    void startClassroom();
    QJsonArray testDigit(int index) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<server::Session> m_session;
    std::unique_ptr<server::Server> m_server;
    std::unique_ptr<ServerShare> m_share;
    std::unique_ptr<MainWindow> m_window;
    quint16 m_port = 0;
};

void TestDeskClassroom::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setApplicationName(u"nnjourney-test-deskclassroom"_s);
    QSettings settings;
    settings.clear();
    settings.setValue(u"onboarding/done"_s, true); // no first-launch tour over the window
}

void TestDeskClassroom::qrCodeIsSquareWithQuietZone()
{
#ifdef Q_OS_LINUX
    QVERIFY2(QrCode::isAvailable(), "libqrencode is required on Linux");
#else
    if (!QrCode::isAvailable())
        QSKIP("built without libqrencode");
#endif
    const int scale = 5;
    const QImage a = QrCode::encode(u"http://192.168.1.20:8000/"_s, scale);
    QVERIFY(!a.isNull());
    QCOMPARE(a.width(), a.height());
    QCOMPARE(a.width() % scale, 0);
    const int modules = a.width() / scale - 8; // 4 quiet modules each side
    QVERIFY2(modules >= 21 && (modules - 21) % 4 == 0, qPrintable(QString::number(modules))); // a QR version's size
    // The quiet zone is white all round.
    for (int i = 0; i < a.width(); ++i)
        for (int q = 0; q < 4 * scale; ++q) {
            QVERIFY(!isDark(a, i, q) && !isDark(a, i, a.height() - 1 - q));
            QVERIFY(!isDark(a, q, i) && !isDark(a, a.width() - 1 - q, i));
        }
    // The three finder patterns: a dark 7-module ring with a white ring inside it, in three corners.
    const auto finderAt = [&](int mx, int my) {
        const auto dark = [&](int x, int y) { return isDark(a, (4 + mx + x) * scale + 1, (4 + my + y) * scale + 1); };
        return dark(0, 0) && dark(6, 0) && dark(0, 6) && dark(6, 6) && !dark(1, 1) && !dark(5, 5) && dark(3, 3);
    };
    QVERIFY(finderAt(0, 0));
    QVERIFY(finderAt(modules - 7, 0));
    QVERIFY(finderAt(0, modules - 7));
    QVERIFY(!finderAt(modules - 7, modules - 7)); // the fourth corner has none
    // Another URL, another code; the scale is the module size.
    const QImage b = QrCode::encode(u"http://192.168.1.21:8000/"_s, scale);
    QCOMPARE(b.size(), a.size());
    QVERIFY(b != a);
    QCOMPARE(QrCode::encode(u"http://192.168.1.20:8000/"_s, 2).width(), (modules + 8) * 2);
    // More than a QR code holds: no image rather than a wrong one.
    QVERIFY(QrCode::encode(QString(4000, u'x'), 1).isNull());
}

void TestDeskClassroom::inviteDialogShowsTokenOnlyOnRequest()
{
    FakeShare share;
    InviteDialog dialog(&share);
    // Off the LAN: says so and offers to share.
    QVERIFY(dialog.studentUrlText().isEmpty());
    QVERIFY(dialog.shareButton()->isVisibleTo(&dialog));
    dialog.shareButton()->click();
    QVERIFY(share.shared);
    QCOMPARE(dialog.studentUrlText(), u"http://10.0.0.5:8000/"_s);
    QCOMPARE(share.studentUrl(), u"http://10.0.0.5:8000/"_s);
    QVERIFY(!dialog.studentQr().isNull());
    QCOMPARE(dialog.studentQr().toImage().convertToFormat(QImage::Format_RGB32),
             QrCode::encode(share.studentUrl(), 7).convertToFormat(QImage::Format_RGB32));
    const auto tokenShown = [&] {
        for (QLabel *label : dialog.findChildren<QLabel *>())
            if (label->text().contains(u"abc123"_s))
                return true;
        return false;
    };
    QVERIFY(!tokenShown());
    QVERIFY(!dialog.isPresenterLinkShown());
    QVERIFY(dialog.presenterUrlText().isEmpty());
    // On request: the presenter's link and its QR code.
    dialog.presenterToggle()->setChecked(true);
    QCOMPARE(dialog.presenterUrlText(), u"http://10.0.0.5:8000/?token=abc123"_s);
    QVERIFY(tokenShown());
    QVERIFY(!dialog.findChild<QLabel *>(u"presenterQr"_s)->pixmap().isNull());
    dialog.presenterToggle()->setChecked(false);
    QVERIFY(!tokenShown());
    // Back to this computer only: the links go.
    share.setSharedOnLan(false);
    QVERIFY(dialog.studentUrlText().isEmpty());
    QVERIFY(!tokenShown());
}

void TestDeskClassroom::presenterViewIsThrottledAndSentOnChange()
{
    QList<QJsonObject> sent;
    QList<qint64> at;
    QElapsedTimer clock;
    clock.start();
    PresenterViewSync sync([&](const QJsonObject &view) {
        sent << view;
        at << clock.elapsed();
    });
    sync.setSelected({2, 7});
    sync.setView(u"features"_s);
    sync.setCamera({{1, 2, 3}, {0, 0, 0}, 30, -5, 2});
    QTRY_COMPARE(sent.size(), 1); // three changes, one message
    const QJsonObject first = sent.first();
    QCOMPARE(first.value(u"selected"_s).toObject(), (QJsonObject{{u"layer"_s, 2}, {u"neuron"_s, 7}}));
    QCOMPARE(first.value(u"view"_s).toString(), u"features"_s);
    QCOMPARE(first.value(u"camera"_s).toObject().value(u"position"_s).toArray(), (QJsonArray{1.0, 2.0, 3.0}));
    QCOMPARE(first.value(u"camera"_s).toObject().value(u"target"_s).toArray(), (QJsonArray{0.0, 0.0, 0.0}));
    QCOMPARE(first.value(u"camera"_s).toObject().value(u"frame"_s).toString(), u"window"_s);
    QCOMPARE(first.value(u"camera"_s).toObject().value(u"orbit"_s).toObject(),
             (QJsonObject{{u"yaw"_s, 30.0}, {u"pitch"_s, -5.0}, {u"zoom"_s, 2.0}}));
    // The same view again (float noise included) is not a change.
    sync.setCamera({{1.000001f, 2, 3}, {0, 0, 0}, 30.00001f, -5, 2});
    sync.setView(u"features"_s);
    QTest::qWait(3 * PresenterViewSync::kMinIntervalMs);
    QCOMPARE(sent.size(), 1);
    // A drag: 60 camera moves in a second become at most 5 or 6 messages, the last one the
    // camera's last place, none closer than the interval to the one before.
    for (int i = 0; i < 60; ++i) {
        sync.setCamera({{float(i), 0, 10}, {0, 0, 0}, float(i), 0, 1});
        QTest::qWait(16);
    }
    QTRY_COMPARE(sent.last().value(u"camera"_s).toObject().value(u"position"_s).toArray(),
                 (QJsonArray{59.0, 0.0, 10.0}));
    const int dragMessages = int(sent.size()) - 1;
    QVERIFY2(dragMessages >= 3 && dragMessages <= 7, qPrintable(QString::number(dragMessages)));
    for (qsizetype i = 1; i < at.size(); ++i)
        QVERIFY2(at[i] - at[i - 1] >= PresenterViewSync::kMinIntervalMs - 5,
                 qPrintable(QString::number(at[i] - at[i - 1])));
    sync.setSelected({});
    QTRY_VERIFY(sent.last().value(u"selected"_s).isNull());
    QCOMPARE(sync.sentCount(), int(sent.size()));
}

// A real server in production mode (loopback clients are viewers, as students' phones are), the
// window presenting through it, shown (Qt 3D under xvfb).
void TestDeskClassroom::startClassroom()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_session = fixtures::offlineSession(m_dir->filePath(u"mnist"_s), 640, 100);
    server::AccessSettings access;
    access.token = "desk-token-0123456789abcdef";
    access.production = true;
    m_server = std::make_unique<server::Server>(*m_session, access);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_port = m_server->port();
    m_share = std::make_unique<ServerShare>(*m_server);
    m_window = std::make_unique<MainWindow>(*m_session, m_share.get());
    QVERIFY(m_window->participants());
    QVERIFY(m_window->classGallery());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestDeskClassroom::cleanup()
{
    m_window.reset();
    m_share.reset();
    m_server.reset();
    m_session.reset();
    m_dir.reset();
}

QJsonArray TestDeskClassroom::testDigit(int index) const
{
    const core::MnistData data = core::loadMnist(m_dir->filePath(u"mnist"_s).toStdString());
    QJsonArray pixels;
    const std::uint8_t *image = data.test.image(index);
    for (int i = 0; i < 784; ++i)
        pixels.append(image[i] / 255.0);
    return pixels;
}

void TestDeskClassroom::participantsDockAndHandOff()
{
    startClassroom();
    if (QTest::currentTestFailed())
        return;
    ParticipantsPanel *panel = m_window->participants();
    QCOMPARE(m_window->driverLabel()->text(), u"You drive"_s);
    WsClient ada, bob;
    QVERIFY(ada.open(m_port));
    QVERIFY(bob.open(m_port));
    QVERIFY(ada.waitFor(u"connected"_s));
    QVERIFY(bob.waitFor(u"connected"_s));
    const QString adaId = idOf(ada), bobId = idOf(bob);
    // A name that looks like markup stays text.
    const QString adaName = u"<b>Ada</b> & co"_s;
    ada.send({{u"type"_s, u"hello"_s}, {u"name"_s, adaName}, {u"device"_s, u"phone"_s}});
    bob.send({{u"type"_s, u"hello"_s}, {u"name"_s, u"Bob"_s}, {u"device"_s, u"computer"_s}});
    QTRY_COMPARE(panel->shownNames(), (QStringList{adaName, u"Bob"_s}));
    QLabel *name = labelWithText(panel, adaName);
    QVERIFY(name);
    QCOMPARE(name->textFormat(), Qt::PlainText);
    QVERIFY(labelWithText(panel, u"phone"_s));
    QVERIFY(labelWithText(panel, u"computer"_s));
    QVERIFY(labelWithText(panel, u"just now"_s));
    // A raised hand goes first.
    bob.send({{u"type"_s, u"raise_hand"_s}, {u"raised"_s, true}});
    QTRY_COMPARE(panel->shownNames(), (QStringList{u"Bob"_s, adaName}));
    QVERIFY(labelWithText(panel, u"asks to drive"_s));
    // Give control: Ada's page learns it drives and gets its key; every screen says who drives.
    QPushButton *give = panel->rowButton(adaId);
    QVERIFY(give);
    QCOMPARE(give->text(), u"Give control"_s);
    const int controlBefore = ada.count(u"control"_s);
    give->click();
    QVERIFY(ada.waitFor(u"control_granted"_s));
    QVERIFY(!ada.last(u"control_granted"_s).value(u"driver_key"_s).toString().isEmpty());
    QTRY_VERIFY(ada.count(u"control"_s) > controlBefore);
    QCOMPARE(ada.last(u"control"_s).value(u"driver"_s).toString(), adaId);
    QTRY_COMPARE(bob.last(u"control"_s).value(u"driver"_s).toString(), adaId);
    QCOMPARE(bob.indexOf(u"control_granted"_s), -1);
    QCOMPARE(m_window->driverLabel()->text(), adaName + u" drives"_s);
    QCOMPARE(panel->rowButton(adaId)->text(), u"Take back"_s);
    QVERIFY(panel->takeBackButton()->isEnabled());
    // Giving it to Bob instead replaces Ada (and lowers Bob's hand).
    panel->rowButton(bobId)->click();
    QTRY_COMPARE(ada.last(u"control"_s).value(u"driver"_s).toString(), bobId);
    QCOMPARE(m_window->driverLabel()->text(), u"Bob drives"_s);
    QTRY_COMPARE(panel->shownNames(), (QStringList{adaName, u"Bob"_s}));
    // Take back: nobody else drives.
    panel->takeBackButton()->click();
    QTRY_VERIFY(ada.last(u"control"_s).value(u"driver"_s).isNull());
    QTRY_VERIFY(bob.last(u"control"_s).value(u"driver"_s).isNull());
    QCOMPARE(m_window->driverLabel()->text(), u"You drive"_s);
    QVERIFY(!panel->takeBackButton()->isEnabled());
    // A participant leaving leaves the list.
    bob.socket.close();
    QTRY_COMPARE(panel->shownNames(), (QStringList{adaName}));
    // Since when, refreshed: an hour and five minutes later.
    const qint64 since = m_server->hub().classroom().participants().find(adaId)->sinceMs;
    panel->setClock([since] { return since + 65 * 60000; });
    QVERIFY(labelWithText(panel, u"1 h 5 min"_s));
}

void TestDeskClassroom::classGalleryAndShowInNetwork()
{
    startClassroom();
    if (QTest::currentTestFailed())
        return;
    ClassGalleryPanel *gallery = m_window->classGallery();
    WsClient ada;
    QVERIFY(ada.open(m_port));
    QVERIFY(ada.waitFor(u"connected"_s));
    ada.send({{u"type"_s, u"hello"_s}, {u"name"_s, u"Ada"_s}, {u"device"_s, u"phone"_s}});
    ada.send({{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, testDigit(3)}});
    QVERIFY(ada.waitFor(u"gallery_item"_s));
    const QJsonObject item = ada.last(u"gallery_item"_s);
    const quint64 id = quint64(item.value(u"id"_s).toDouble());
    QTRY_COMPARE(gallery->itemCount(), 1);
    QCOMPARE(gallery->shownIds(), std::vector<quint64>{id});
    // The row shows the server's prediction, its confidence and the name.
    const int digit = item.value(u"prediction"_s).toInt();
    const double confidence = item.value(u"probabilities"_s).toArray().at(digit).toDouble();
    QWidget *row = gallery->row(id);
    QVERIFY(labelWithText(row, QString::number(digit)));
    QVERIFY(labelWithText(row, u"%1% sure"_s.arg(qRound(confidence * 100))));
    QVERIFY(labelWithText(row, u"Ada"_s));
    // The image is the 784 pixels the network saw, each a crisp square.
    const QImage shown = ClassGalleryPanel::digitImage(std::vector<float>(784, 0.0f));
    QCOMPARE(shown.size(), QSize(84, 84));

    // Show in network: every screen hears of it, and this window predicts the same pixels with
    // the same network as the server did.
    gallery->showButton(id)->click();
    QVERIFY(ada.waitFor(u"gallery_show"_s));
    QCOMPARE(quint64(ada.last(u"gallery_show"_s).value(u"id"_s).toDouble()), id);
    QCOMPARE(gallery->shownInNetwork(), id);
    const core::Prediction &desk = m_window->drawPanel()->prediction();
    QCOMPARE(desk.digit, digit);
    // The same network on the same pixels: the same numbers as the server's (the wire rounds them
    // to 4 decimals).
    const server::GalleryItem *kept = m_server->hub().classroom().gallery().find(id);
    QVERIFY(kept);
    const QJsonArray probabilities = item.value(u"probabilities"_s).toArray();
    for (int d = 0; d < 10; ++d) {
        const float p = desk.probabilities[std::size_t(d)];
        QVERIFY2(std::abs(p - kept->prediction.probabilities[std::size_t(d)]) < 1e-6f, qPrintable(QString::number(d)));
        QVERIFY2(std::abs(p - probabilities.at(d).toDouble()) < 6e-5, qPrintable(QString::number(d)));
    }
    QVERIFY2(m_window->viewTitle()->text().contains(u"Ada's drawing"_s), qPrintable(m_window->viewTitle()->text()));
    const std::vector<float> input(m_window->drawPanel()->input().pixels.begin(),
                                   m_window->drawPanel()->input().pixels.end());
    const QJsonArray sentPixels = testDigit(3);
    for (int i = 0; i < 784; ++i)
        QVERIFY(std::abs(input[std::size_t(i)] - sentPixels.at(i).toDouble()) < 1e-6);

    // Newest first.
    ada.send({{u"type"_s, u"submit_drawing"_s}, {u"pixels"_s, testDigit(7)}});
    QTRY_COMPARE(gallery->itemCount(), 2);
    const quint64 second = gallery->shownIds().front();
    QVERIFY(second > id);
    // Hide one: gone here and on every screen.
    const int removedBefore = ada.count(u"gallery_removed"_s);
    gallery->hideButton(id)->click();
    QTRY_VERIFY(ada.count(u"gallery_removed"_s) > removedBefore);
    QCOMPARE(ada.last(u"gallery_removed"_s).value(u"ids"_s).toArray().first().toDouble(), double(id));
    QCOMPARE(gallery->shownIds(), std::vector<quint64>{second});
    QCOMPARE(gallery->shownInNetwork(), quint64(0));
    // Clear all (the confirmation answered yes).
    gallery->setConfirmClear(false);
    gallery->clearButton()->click();
    QTRY_VERIFY(ada.last(u"gallery_removed"_s).value(u"cleared"_s).toBool());
    QCOMPARE(gallery->itemCount(), 0);
    QVERIFY(!gallery->clearButton()->isEnabled());
}

void TestDeskClassroom::presenterViewReachesFollowers()
{
    startClassroom();
    if (QTest::currentTestFailed())
        return;
    WsClient ada;
    QVERIFY(ada.open(m_port));
    QVERIFY(ada.waitFor(u"connected"_s));
    // The presenter selects a neuron in 3D: the follower is told.
    m_window->networkView()->selectNeuron({2, 7});
    QTRY_VERIFY_WITH_TIMEOUT(ada.last(u"presenter_view"_s).value(u"selected"_s).isObject(), 5000);
    QCOMPARE(ada.last(u"presenter_view"_s).value(u"selected"_s).toObject(),
             (QJsonObject{{u"layer"_s, 2}, {u"neuron"_s, 7}}));
    // The inspector opened with the click; then the learning views, on the landscape tab.
    QTRY_COMPARE(ada.last(u"presenter_view"_s).value(u"view"_s).toString(), u"inspector"_s);
    m_window->learningViews()->setCurrentIndex(5);
    m_window->learningDock()->show();
    QTRY_COMPARE(ada.last(u"presenter_view"_s).value(u"view"_s).toString(), u"landscape"_s);
    m_window->learningViews()->setCurrentIndex(0);
    QTRY_COMPARE(ada.last(u"presenter_view"_s).value(u"view"_s).toString(), u"features"_s);
    m_window->learningDock()->hide();
    QTRY_COMPARE(ada.last(u"presenter_view"_s).value(u"view"_s).toString(), u"inspector"_s);
    // A late joiner gets the last view at once.
    WsClient late;
    QVERIFY(late.open(m_port));
    QVERIFY(late.waitFor(u"presenter_view"_s));
    QCOMPARE(late.last(u"presenter_view"_s).value(u"selected"_s).toObject().value(u"neuron"_s).toInt(), 7);

    // The camera: moved by the presenter (the Home key frames the network again).
    const QJsonObject before = ada.last(u"presenter_view"_s).value(u"camera"_s).toObject();
    QCOMPARE(before.value(u"frame"_s).toString(), u"window"_s);
    NetworkView *view = m_window->networkView();
    const QPointF centre(view->width() / 2.0, view->height() / 2.0);
    QWheelEvent zoom(centre, view->mapToGlobal(centre), {}, {0, 240}, Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase,
                     false);
    QCoreApplication::sendEvent(view, &zoom);
    QTRY_VERIFY(ada.last(u"presenter_view"_s).value(u"camera"_s).toObject() != before);
    // Zoomed in: the same target, a nearer position, and an orbit zoom above the one before.
    const QJsonObject camera = ada.last(u"presenter_view"_s).value(u"camera"_s).toObject();
    QCOMPARE(camera.value(u"target"_s), before.value(u"target"_s));
    const auto distance = [](const QJsonObject &c) {
        const QJsonArray p = c.value(u"position"_s).toArray(), t = c.value(u"target"_s).toArray();
        double sum = 0;
        for (int i = 0; i < 3; ++i)
            sum += std::pow(p[i].toDouble() - t[i].toDouble(), 2);
        return std::sqrt(sum);
    };
    QVERIFY2(distance(camera) < distance(before), qPrintable(QString::number(distance(camera))));
    QVERIFY(camera.value(u"orbit"_s).toObject().value(u"zoom"_s).toDouble()
            > before.value(u"orbit"_s).toObject().value(u"zoom"_s).toDouble());
    // The camera the window renders is the one the class was told.
    const QVector3D position = view->cameraPosition();
    QVERIFY(std::abs(camera.value(u"position"_s).toArray()[0].toDouble() - position.x()) < 0.01);
}

QTEST_MAIN(TestDeskClassroom)
#include "tst_deskclassroom.moc"

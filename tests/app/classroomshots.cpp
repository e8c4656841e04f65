// nnj-classroom-shots DIR: screenshots of the classroom in the real window (session + real MNIST
// from NNJ_MNIST_DIR, needs a display; Xvfb is fine): the participants dock with a raised hand and
// a driver, the invite dialog with its QR codes, and the class gallery filled by real WebSocket
// clients submitting real MNIST test digits, one shown in the 3D view. For looking at, not a test:
// it prints what it saved.
#include "apptheme.h"
#include "classgallerypanel.h"
#include "idxreader.h"
#include "invitedialog.h"
#include "mainwindow.h"
#include "onboardingtour.h"
#include "participantspanel.h"
#include "server.h"
#include "servershare.h"
#include "session.h"

#include "../server/wsclient.h"

#include "shotkit.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QTextStream>

#include <memory>

namespace {

using shotkit::settle;
using shotkit::shoot;
using shotkit::waitFor;

} // namespace

int main(int argc, char **argv)
{
    QStandardPaths::setTestModeEnabled(true);
    qputenv("QT3D_RENDERER", "opengl");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("nnjourney-classroom-shots"));
    if (argc < 2) {
        QTextStream(stderr) << "usage: nnj-classroom-shots DIR\n";
        return 2;
    }
    const QDir out(QString::fromLocal8Bit(argv[1]));
    QDir().mkpath(out.path());
    QSettings().clear();
    apptheme::apply(app, QStringLiteral("dark"));
    const QString mnist = qEnvironmentVariable("NNJ_MNIST_DIR");
    core::MnistData data;
    try {
        data = core::loadMnist(mnist.toStdString());
    } catch (const std::exception &error) {
        QTextStream(stderr) << "nnj-classroom-shots: set NNJ_MNIST_DIR to the MNIST folder (" << error.what() << ")\n";
        return 1;
    }
    server::SessionOptions options;
    options.mnistDirectory = mnist;
    options.allowDownload = false;
    server::Session session(options);
    server::AccessSettings access;
    access.token = "shots-token-0123456789abcdef";
    access.production = true; // the clients below are students: viewers
    server::Server httpServer(session, access);
    if (!httpServer.listen(QHostAddress::LocalHost, 0)) {
        QTextStream(stderr) << "nnj-classroom-shots: cannot listen: " << httpServer.errorString() << '\n';
        return 1;
    }
    ServerShare share(httpServer);
    MainWindow window(session, &share);
    window.resize(1500, 940);
    window.show();
    waitFor([&] { return window.tour()->step() == 0; }, 3000);
    window.tour()->skip();

    // A few hundred batches of real training, so the class's digits get real predictions.
    session.execute(server::Command::teachingMode(false));
    session.execute(server::Command::speedMode(server::SpeedMode::Fast));
    session.execute(server::Command::epochs(1));
    session.execute(server::Command::of(server::CommandKind::Start));
    waitFor([&] { return session.stats().globalBatch >= 400 || !session.isTraining(); }, 120000);
    session.execute(server::Command::of(server::CommandKind::Pause));

    // The class: two phones, two computers, one name in another script (the machine may lack CJK fonts).
    const QList<std::pair<QString, QString>> people{{QStringLiteral("Ada"), QStringLiteral("phone")},
                                                    {QStringLiteral("Bob"), QStringLiteral("computer")},
                                                    {QStringLiteral("Лена Орлова"), QStringLiteral("phone")},
                                                    {QStringLiteral("Dana"), QStringLiteral("phone")},
                                                    {QStringLiteral("Émile"), QStringLiteral("computer")}};
    std::vector<std::unique_ptr<WsClient>> clients;
    for (const auto &[name, device] : people) {
        auto client = std::make_unique<WsClient>();
        if (!client->open(httpServer.port()) || !client->waitFor(QStringLiteral("connected"), 5000)) {
            QTextStream(stderr) << "nnj-classroom-shots: a client could not connect\n";
            return 1;
        }
        client->send({{QStringLiteral("type"), QStringLiteral("hello")},
                      {QStringLiteral("name"), name},
                      {QStringLiteral("device"), device}});
        clients.push_back(std::move(client));
    }
    const auto idOf = [](const WsClient &client) {
        return client.first(QStringLiteral("connected")).value(QStringLiteral("client_id")).toString();
    };
    clients[3]->send({{QStringLiteral("type"), QStringLiteral("raise_hand")}, {QStringLiteral("raised"), true}});
    clients[1]->send({{QStringLiteral("type"), QStringLiteral("raise_hand")}, {QStringLiteral("raised"), true}});
    waitFor([&] { return window.participants()->shownNames().size() == int(people.size()); }, 5000);
    settle(300);
    window.participants()->rowButton(idOf(*clients[0]))->click(); // Ada drives
    window.participantsDock()->show();
    window.participantsDock()->raise();
    shoot(&window, out.filePath(QStringLiteral("01-participants-window.png")));
    shoot(window.participantsDock(), out.filePath(QStringLiteral("02-participants-dock.png")));

    // The invite dialog: off the LAN first, then shared, then with the presenter link.
    {
        InviteDialog dialog(&share, &window);
        dialog.show();
        shoot(&dialog, out.filePath(QStringLiteral("03-invite-offlan.png")));
        dialog.shareButton()->click();
        dialog.adjustSize();
        shoot(&dialog, out.filePath(QStringLiteral("04-invite-student.png")));
        dialog.presenterToggle()->setChecked(true);
        dialog.adjustSize();
        shoot(&dialog, out.filePath(QStringLiteral("05-invite-presenter.png")));
    }

    // The class gallery: every participant sends real test digits (three at once is the burst).
    int next = 0;
    for (const auto &client : clients) {
        for (int k = 0; k < 2; ++k) {
            QJsonArray pixels;
            const std::uint8_t *image = data.test.image(next++);
            for (int i = 0; i < 784; ++i)
                pixels.append(image[i] / 255.0);
            client->send(
                {{QStringLiteral("type"), QStringLiteral("submit_drawing")}, {QStringLiteral("pixels"), pixels}});
        }
    }
    waitFor([&] { return window.classGallery()->itemCount() == next; }, 10000);
    window.classGalleryDock()->show();
    window.classGalleryDock()->raise();
    const std::vector<quint64> ids = window.classGallery()->shownIds();
    if (ids.size() > 2)
        window.classGallery()->showButton(ids[2])->click();
    settle(1500); // the 3D view shows the drawing
    shoot(&window, out.filePath(QStringLiteral("06-gallery-window.png")));
    shoot(window.classGalleryDock(), out.filePath(QStringLiteral("07-gallery-dock.png")));
    return 0;
}

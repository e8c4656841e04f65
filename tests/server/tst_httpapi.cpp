// HTTP API: every endpoint of the original, every extension, every bad input, static files, methods.
// In-process Session + Server on port 0 with tiny synthetic MNIST files; raw HTTP requests.
#include "serverfixtures.h"

#include "httpapi.h"
#include "jsonwriter.h"
#include "server.h"
#include "session.h"
#include "staticfiles.h"

#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <memory>

using namespace Qt::StringLiterals;
using fixtures::get;
using fixtures::post;

class TestHttpApi : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void seedEndpointsBeforeTraining();
    void startBusyStop();
    void twentyConcurrentStartsGiveOneStarted();
    void queryParameters_data();
    void queryParameters();
    void architecture_data();
    void architecture();
    void architectureWhileTrainingIsRefused();
    void weightsAfterTrainingAreSeedShaped();
    void predict_data();
    void predict();
    void modelDownloadAndUpload();
    void pauseResumeStep();
    void apiStateSnapshot();
    void staticFiles();
    void methodsAndUnknownPaths();
    void teachingMomentSwitches_data();
    void teachingMomentSwitches();
    void switchedOffMomentDoesNotPause();
    void verdictInStateAfterARun();
    void glossaryAndJourney();

private:
    void trainToCompletion();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<server::Session> m_session;
    std::unique_ptr<server::Server> m_server;
    quint16 m_port = 0;
};

void TestHttpApi::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    server::SessionOptions options = fixtures::offlineOptions(m_dir->filePath(u"mnist"_s), 640, 100);
    options.modelPath = m_dir->filePath(u"models/last.nnjmodel"_s);
    options.teachingPauseScale = 0.01;
    m_session = std::make_unique<server::Session>(options);
    m_session->execute(server::Command::teachingMode(false));
    server::AccessSettings access;
    access.token = "test-token-0123456789abcdef";
    m_server = std::make_unique<server::Server>(*m_session, access);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_port = m_server->port();
    QVERIFY(m_port != 0);
}

void TestHttpApi::cleanup()
{
    m_server.reset();
    m_session.reset();
    m_dir.reset();
}

void TestHttpApi::trainToCompletion()
{
    QSignalSpy finished(m_session.get(), &server::Session::trainingFinished);
    QCOMPARE(post(m_port, "/start-training").json().value(u"status"_s).toString(), u"started"_s);
    QVERIFY(finished.count() > 0 || finished.wait(30000)); // post() spins the event loop too
}

void TestHttpApi::seedEndpointsBeforeTraining()
{
    auto response = get(m_port, "/health");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(response.json(), QJsonObject({{u"status"_s, u"ok"_s}}));

    response = get(m_port, "/api/status");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json(), QJsonObject({{u"status"_s, u"healthy"_s},
                                           {u"training_in_progress"_s, false},
                                           {u"environment"_s, u"development"_s}}));

    response = get(m_port, "/status");
    QCOMPARE(response.status, 200);
    const QJsonObject status = response.json();
    QCOMPARE(status.keys(), QStringList({u"accuracy"_s, u"batch"_s, u"epoch"_s, u"loss"_s, u"training"_s}));
    QVERIFY(status.value(u"training"_s).isBool());
    QVERIFY(status.value(u"epoch"_s).isDouble());

    response = get(m_port, "/get-weights"); // the original answers 200 with an error status
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json(), QJsonObject({{u"status"_s, u"error"_s}, {u"message"_s, u"No network available"_s}}));
}

void TestHttpApi::startBusyStop()
{
    QCOMPARE(post(m_port, "/set-batch-delay?ms=50").json().value(u"batch_delay"_s).toInt(), 50);
    auto response = post(m_port, "/start-training");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json(), QJsonObject({{u"status"_s, u"started"_s}}));
    QCOMPARE(get(m_port, "/api/status").json().value(u"training_in_progress"_s).toBool(), true);

    response = post(m_port, "/start-training");
    QCOMPARE(response.json(),
             QJsonObject({{u"status"_s, u"busy"_s}, {u"message"_s, u"Training already in progress"_s}}));

    QTRY_VERIFY_WITH_TIMEOUT(get(m_port, "/status").json().value(u"batch"_s).toInt() >= 1, 10000);
    QSignalSpy finished(m_session.get(), &server::Session::trainingFinished);
    response = post(m_port, "/stop-training");
    QCOMPARE(response.json(), QJsonObject({{u"status"_s, u"stopped"_s}}));
    // The synchronous request helpers spin the event loop, so the signal may already be in.
    QVERIFY(finished.count() > 0 || finished.wait(20000));
    QVERIFY(finished.first().first().value<core::FinishReport>().stopped);
    QCOMPARE(get(m_port, "/status").json().value(u"training"_s).toBool(), false);
    // Stopping when idle is still "stopped" (as the original).
    QCOMPARE(post(m_port, "/stop-training").json().value(u"status"_s).toString(), u"stopped"_s);
}

void TestHttpApi::twentyConcurrentStartsGiveOneStarted()
{
    m_session->execute(server::Command::batchDelay(20));
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 20; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(u"127.0.0.1"_s, m_port);
        QVERIFY(socket->waitForConnected(5000));
        sockets.push_back(std::move(socket));
    }
    for (auto &socket : sockets)
        socket->write(fixtures::buildRequest("POST", "/start-training", m_port));
    std::vector<QByteArray> data(sockets.size());
    std::vector<fixtures::HttpResponse> responses(sockets.size());
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 bool all = true;
                                 for (std::size_t i = 0; i < sockets.size(); ++i) {
                                     data[i] += sockets[i]->readAll();
                                     all = fixtures::parseResponse(data[i], &responses[i]) && all;
                                 }
                                 return all;
                             }()),
                             10000);
    int started = 0, busy = 0;
    for (const auto &response : responses) {
        const QString status = response.json().value(u"status"_s).toString();
        started += status == u"started"_s;
        busy += status == u"busy"_s;
    }
    QCOMPARE(started, 1);
    QCOMPARE(busy, 19);
    m_session->execute(server::Command::of(server::CommandKind::Stop));
}

void TestHttpApi::queryParameters_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expect"); // a substring of the body

    QTest::newRow("lr ok") << QByteArray("/set-learning-rate?lr=0.05") << 200 << u"\"lr\":0.05"_s;
    QTest::newRow("lr exponent") << QByteArray("/set-learning-rate?lr=1e-3") << 200 << u"\"lr\":0.001"_s;
    QTest::newRow("lr max") << QByteArray("/set-learning-rate?lr=10") << 200 << u"updated"_s;
    QTest::newRow("lr nan") << QByteArray("/set-learning-rate?lr=nan") << 400 << u"lr must be"_s;
    QTest::newRow("lr inf") << QByteArray("/set-learning-rate?lr=inf") << 400 << u"lr must be"_s;
    QTest::newRow("lr zero") << QByteArray("/set-learning-rate?lr=0") << 400 << u"lr must be"_s;
    QTest::newRow("lr negative") << QByteArray("/set-learning-rate?lr=-0.1") << 400 << u"lr must be"_s;
    QTest::newRow("lr too big") << QByteArray("/set-learning-rate?lr=10.5") << 400 << u"lr must be"_s;
    QTest::newRow("lr text") << QByteArray("/set-learning-rate?lr=fast") << 400 << u"lr must be a number"_s;
    QTest::newRow("lr missing") << QByteArray("/set-learning-rate") << 400 << u"Missing query parameter 'lr'"_s;
    QTest::newRow("lr duplicate") << QByteArray("/set-learning-rate?lr=1e-3&lr=nan") << 400
                                  << u"'lr' is given 2 times"_s;
    QTest::newRow("ms ok") << QByteArray("/set-batch-delay?ms=250") << 200 << u"\"batch_delay\":250"_s;
    QTest::newRow("ms zero") << QByteArray("/set-batch-delay?ms=0") << 200 << u"\"batch_delay\":0"_s;
    QTest::newRow("ms max") << QByteArray("/set-batch-delay?ms=10000") << 200 << u"\"batch_delay\":10000"_s;
    QTest::newRow("ms too big") << QByteArray("/set-batch-delay?ms=10001") << 400 << u"ms must be"_s;
    QTest::newRow("ms negative") << QByteArray("/set-batch-delay?ms=-1") << 400 << u"ms must be"_s;
    QTest::newRow("ms fraction") << QByteArray("/set-batch-delay?ms=1.5") << 400 << u"ms must be"_s;
    QTest::newRow("ms huge") << QByteArray("/set-batch-delay?ms=99999999999") << 400 << u"ms must be"_s;
    QTest::newRow("ms duplicate") << QByteArray("/set-batch-delay?ms=1&ms=2") << 400 << u"'ms' is given 2 times"_s;
    QTest::newRow("teaching off") << QByteArray("/set-teaching-mode?enabled=false") << 200
                                  << u"\"teaching_mode\":false"_s;
    QTest::newRow("teaching on") << QByteArray("/set-teaching-mode?enabled=true") << 200 << u"\"teaching_mode\":true"_s;
    QTest::newRow("teaching bad") << QByteArray("/set-teaching-mode?enabled=maybe") << 400 << u"enabled must be"_s;
    QTest::newRow("teaching missing") << QByteArray("/set-teaching-mode") << 400 << u"'enabled'"_s;
    QTest::newRow("speed step") << QByteArray("/set-speed?mode=step") << 200 << u"\"pace\":1,"_s;
    QTest::newRow("speed narrated") << QByteArray("/set-speed?mode=narrated") << 200 << u"\"pace\":5,"_s;
    QTest::newRow("speed normal") << QByteArray("/set-speed?mode=normal") << 200 << u"\"pace\":50,"_s;
    QTest::newRow("speed fast") << QByteArray("/set-speed?mode=fast") << 200 << u"\"speed\":\"fast\""_s;
    QTest::newRow("speed bad") << QByteArray("/set-speed?mode=warp") << 400 << u"mode must be"_s;
    QTest::newRow("pace ok") << QByteArray("/set-pace?batches_per_second=12.5") << 200 << u"\"pace\":12.5"_s;
    QTest::newRow("pace unlimited") << QByteArray("/set-pace?batches_per_second=0") << 200 << u"\"speed\":\"custom\""_s;
    QTest::newRow("pace too slow") << QByteArray("/set-pace?batches_per_second=0.01") << 400
                                   << u"batches_per_second must be 0 (no limit) or from 0.1 to 10000"_s;
    QTest::newRow("pace too fast") << QByteArray("/set-pace?batches_per_second=20000") << 400
                                   << u"batches_per_second must be"_s;
    QTest::newRow("pace nan") << QByteArray("/set-pace?batches_per_second=nan") << 400 << u"batches_per_second"_s;
    QTest::newRow("pace text") << QByteArray("/set-pace?batches_per_second=fast") << 400
                               << u"batches_per_second must be a number"_s;
    QTest::newRow("pace missing") << QByteArray("/set-pace") << 400 << u"'batches_per_second'"_s;
}

void TestHttpApi::queryParameters()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, expect);
    const auto before = m_session->settings();
    const auto response = post(m_port, target);
    QCOMPARE(response.status, status);
    QVERIFY2(QString::fromUtf8(response.body).contains(expect), response.body.constData());
    if (status == 200) {
        QCOMPARE(response.json().value(u"status"_s).toString(), u"updated"_s);
    } else {
        QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
        // Nothing changed (no silent clamp).
        QCOMPARE(m_session->settings().learningRate, before.learningRate);
        QCOMPARE(m_session->settings().batchDelayMs, before.batchDelayMs);
        QCOMPARE(m_session->settings().pace, before.pace);
    }
}

void TestHttpApi::architecture_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expect");

    QTest::newRow("original's example") << QByteArray(R"({"layers": [784, 256, 128, 10]})") << 200
                                        << u"\"architecture\":[784,256,128,10]"_s;
    QTest::newRow("activations") << QByteArray(R"({"layers":[784,32,16,10],"activations":["tanh","sigmoid"]})") << 200
                                 << u"\"activations\":[\"tanh\",\"sigmoid\"]"_s;
    QTest::newRow("no hidden") << QByteArray(R"({"layers":[784,10]})") << 200 << u"[784,10]"_s;
    QTest::newRow("original's error text")
        << QByteArray(R"({"layers":[780,128,10]})") << 400 << u"Architecture must start with 784 and end with 10"_s;
    QTest::newRow("last not 10") << QByteArray(R"({"layers":[784,128,9]})") << 400
                                 << u"Architecture must start with 784 and end with 10"_s;
    QTest::newRow("not json") << QByteArray("layers=784,10") << 400 << u"not valid JSON"_s;
    QTest::newRow("array body") << QByteArray("[784,10]") << 400 << u"must be a JSON object"_s;
    QTest::newRow("missing layers") << QByteArray(R"({"sizes":[784,10]})") << 400 << u"'layers'"_s;
    QTest::newRow("layers string") << QByteArray(R"({"layers":"784,10"})") << 400 << u"'layers'"_s;
    QTest::newRow("string size") << QByteArray(R"({"layers":[784,"64",10]})") << 400 << u"layers[1]"_s;
    QTest::newRow("fraction") << QByteArray(R"({"layers":[784,3.7,10]})") << 400 << u"layers[1]"_s;
    QTest::newRow("null size") << QByteArray(R"({"layers":[784,null,10]})") << 400 << u"layers[1]"_s;
    QTest::newRow("zero") << QByteArray(R"({"layers":[784,0,10]})") << 400 << u"layers[1]"_s;
    QTest::newRow("too wide") << QByteArray(R"({"layers":[784,4097,10]})") << 400 << u"layers[1]"_s;
    QTest::newRow("1e12") << QByteArray(R"({"layers":[784,1e12,10]})") << 400 << u"layers[1]"_s;
    QTest::newRow("one layer") << QByteArray(R"({"layers":[784]})") << 400 << u"between 2 and 10"_s;
    QTest::newRow("eleven layers") << QByteArray(R"({"layers":[784,9,9,9,9,9,9,9,9,9,10]})") << 400
                                   << u"between 2 and 10"_s;
    QTest::newRow("too many parameters") << QByteArray(R"({"layers":[784,4096,4096,10]})") << 400
                                         << u"the limit is 5000000"_s;
    QTest::newRow("activations count") << QByteArray(R"({"layers":[784,32,10],"activations":["relu","relu"]})") << 400
                                       << u"'activations'"_s;
    QTest::newRow("activation name") << QByteArray(R"({"layers":[784,32,10],"activations":["gelu"]})") << 400
                                     << u"activations[0]"_s;
    QTest::newRow("duplicate field") << QByteArray(R"({"layers":[784,32,10],"layers":[784,10]})") << 400
                                     << u"'layers' is given more than once"_s;
}

void TestHttpApi::architecture()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, expect);
    const auto before = m_session->settings().architecture;
    const auto response = post(m_port, "/set-architecture", body, {"Content-Type: application/json"});
    QCOMPARE(response.status, status);
    QVERIFY2(QString::fromUtf8(response.body).contains(expect), response.body.constData());
    if (status != 200) {
        QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
        QVERIFY(m_session->settings().architecture == before);
    } else {
        QCOMPARE(response.json().value(u"status"_s).toString(), u"updated"_s);
        QCOMPARE(get(m_port, "/api/state").json().value(u"architecture"_s), response.json().value(u"architecture"_s));
    }
}

void TestHttpApi::architectureWhileTrainingIsRefused()
{
    m_session->execute(server::Command::batchDelay(50));
    QCOMPARE(post(m_port, "/start-training").json().value(u"status"_s).toString(), u"started"_s);
    const auto response = post(m_port, "/set-architecture", R"({"layers":[784,32,10]})");
    QCOMPARE(response.status, 409);
    QVERIFY(response.json().value(u"message"_s).toString().contains(u"while training"_s));
    m_session->execute(server::Command::of(server::CommandKind::Stop));
}

void TestHttpApi::weightsAfterTrainingAreSeedShaped()
{
    trainToCompletion();
    const auto response = get(m_port, "/get-weights");
    QCOMPARE(response.status, 200);
    const QJsonObject object = response.json();
    QCOMPARE(object.value(u"status"_s).toString(), u"ok"_s);
    const QJsonArray layers = object.value(u"weights"_s).toArray();
    QStringList types;
    for (const auto &layer : layers)
        types << layer.toObject().value(u"type"_s).toString();
    QCOMPARE(types, QStringList({u"Dense"_s, u"ReLU"_s, u"Dense"_s, u"ReLU"_s, u"Dense"_s, u"Softmax"_s}));
    const QJsonObject first = layers.first().toObject();
    QCOMPARE(first.value(u"inputSize"_s).toInt(), 784);
    QCOMPARE(first.value(u"outputSize"_s).toInt(), 128);
    const QJsonArray rows = first.value(u"weights"_s).toArray();
    QCOMPARE(rows.size(), 784); // rows = input index (as the original: in x out)
    QCOMPARE(rows.first().toArray().size(), 128);
    QCOMPARE(first.value(u"bias"_s).toArray().size(), 1);
    QCOMPARE(first.value(u"bias"_s).toArray().first().toArray().size(), 128);
    // The transpose of our (out, in) storage, value for value.
    const auto network = m_session->weights();
    for (int input : {0, 300, 783}) {
        for (int output : {0, 77, 127})
            QCOMPARE(float(rows[input].toArray()[output].toDouble()), network->layer(0).weights()(output, input));
    }
    QCOMPARE(float(first.value(u"bias"_s).toArray()[0].toArray()[5].toDouble()), network->layer(0).bias()(5));
}

void TestHttpApi::predict_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expect");
    const auto pixels = [](int count, const QByteArray &value) {
        QByteArrayList list;
        for (int i = 0; i < count; ++i)
            list << value;
        return "{\"pixels\":[" + list.join(',') + "]}";
    };
    QTest::newRow("zeros") << pixels(784, "0") << 200 << u"\"digit\":"_s;
    QTest::newRow("ones") << pixels(784, "1") << 200 << u"\"probabilities\":"_s;
    QTest::newRow("783 values") << pixels(783, "0") << 400 << u"'pixels'"_s;
    QTest::newRow("785 values") << pixels(785, "0") << 400 << u"'pixels'"_s;
    QTest::newRow("above one") << pixels(784, "1.5") << 400 << u"pixels[0]"_s;
    QTest::newRow("negative") << pixels(784, "-0.1") << 400 << u"pixels[0]"_s;
    QTest::newRow("strings") << pixels(784, "\"0.5\"") << 400 << u"pixels[0]"_s;
    QTest::newRow("not json") << QByteArray("pixels") << 400 << u"not valid JSON"_s;
    QTest::newRow("missing") << QByteArray("{}") << 400 << u"'pixels'"_s;
}

void TestHttpApi::predict()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, expect);
    const auto response = post(m_port, "/predict", body, {"Content-Type: application/json"});
    QCOMPARE(response.status, status);
    QVERIFY2(QString::fromUtf8(response.body).contains(expect), response.body.left(300).constData());
    if (status != 200)
        return;
    const QJsonObject object = response.json();
    const QJsonArray probabilities = object.value(u"probabilities"_s).toArray();
    QCOMPARE(probabilities.size(), 10);
    double sum = 0;
    int best = 0;
    for (int i = 0; i < 10; ++i) {
        sum += probabilities[i].toDouble();
        if (probabilities[i].toDouble() > probabilities[best].toDouble())
            best = i;
    }
    QVERIFY(std::abs(sum - 1.0) < 1e-4);
    QCOMPARE(object.value(u"digit"_s).toInt(), best);
    const QJsonArray activations = object.value(u"activations"_s).toArray();
    QCOMPARE(activations.size(), 4);
    QCOMPARE(activations[0].toArray().size(), 784);
    QCOMPARE(activations[1].toArray().size(), 128);
    QCOMPARE(activations[2].toArray().size(), 64);
    QCOMPARE(activations[3].toArray().size(), 10);
}

void TestHttpApi::modelDownloadAndUpload()
{
    trainToCompletion();
    auto response = get(m_port, "/model");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.headers.value("content-type"), QByteArray("application/octet-stream"));
    const QByteArray model = response.body;
    QVERIFY(model.size() > 109386 * 4);
    m_session->waitForSaves(); // autosaves run off the event loop
    QVERIFY(QFile::exists(m_dir->filePath(u"models/last.nnjmodel"_s)));

    // A different architecture, then restore the downloaded model.
    QCOMPARE(post(m_port, "/set-architecture", R"({"layers":[784,16,10]})").status, 200);
    QByteArray damaged = model;
    damaged[damaged.size() / 2] = char(damaged[damaged.size() / 2] ^ 0x5a);
    response = post(m_port, "/model", damaged, {"Content-Type: application/octet-stream"});
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    QVERIFY(m_session->settings().architecture.sizes == std::vector<int>({784, 16, 10}));
    QCOMPARE(post(m_port, "/model", model.left(100)).status, 400);
    QCOMPARE(post(m_port, "/model").status, 400);

    response = post(m_port, "/model", model, {"Content-Type: application/octet-stream"});
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(u"architecture"_s).toArray().size(), 4);
    QCOMPARE(get(m_port, "/get-weights").status, 200);
    QCOMPARE(get(m_port, "/model").body, model);
}

void TestHttpApi::pauseResumeStep()
{
    QCOMPARE(post(m_port, "/pause-training").status, 409);
    QCOMPARE(post(m_port, "/resume-training").status, 409);
    // Step when idle: starts a paused run and trains exactly one batch.
    auto response = post(m_port, "/step-training");
    QCOMPARE(response.json().value(u"status"_s).toString(), u"stepped"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->stats().globalBatch, 1LL, 10000);
    QTest::qWait(150);
    QCOMPARE(m_session->stats().globalBatch, 1LL);
    QVERIFY(m_session->isPaused());
    QCOMPARE(get(m_port, "/api/state").json().value(u"paused"_s).toBool(), true);
    QCOMPARE(post(m_port, "/step-training").status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->stats().globalBatch, 2LL, 10000);
    QTest::qWait(150);
    QCOMPARE(m_session->stats().globalBatch, 2LL);

    m_session->execute(server::Command::batchDelay(20)); // 30 batches: the run outlasts the checks below
    QCOMPARE(post(m_port, "/resume-training").json().value(u"status"_s).toString(), u"resumed"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_session->stats().globalBatch > 3, 10000);
    QCOMPARE(post(m_port, "/pause-training").json().value(u"status"_s).toString(), u"paused"_s);
    QSignalSpy finished(m_session.get(), &server::Session::trainingFinished);
    QTest::qWait(50); // the batch in flight finishes
    const long long pausedAt = m_session->stats().globalBatch;
    QVERIFY(pausedAt < 30);
    QTest::qWait(200);
    QCOMPARE(m_session->stats().globalBatch, pausedAt);
    QCOMPARE(post(m_port, "/stop-training").status, 200);
    // The synchronous request helpers spin the event loop, so the signal may already be in.
    QVERIFY(finished.count() > 0 || finished.wait(20000));
}

void TestHttpApi::apiStateSnapshot()
{
    trainToCompletion();
    const QJsonObject state = get(m_port, "/api/state").json();
    QVERIFY(!state.contains(u"type"_s));
    QCOMPARE(state.value(u"training"_s).toBool(), false);
    QCOMPARE(state.value(u"has_weights"_s).toBool(), true);
    QCOMPARE(state.value(u"architecture"_s).toArray().size(), 4);
    QCOMPARE(state.value(u"settings"_s).toObject().value(u"learning_rate"_s).toDouble(), 0.01);
    const QJsonObject history = state.value(u"history"_s).toObject();
    QCOMPARE(history.value(u"loss"_s).toArray().size(), 30); // 3 epochs x 10 batches
    QCOMPARE(history.value(u"test_accuracy"_s).toArray().size(), 3);
    QVERIFY(history.value(u"test_accuracy"_s).toArray().last().toDouble() > 0.5);
    QCOMPARE(state.value(u"confusion_matrix"_s).toArray().size(), 10);
    QCOMPARE(state.value(u"last_update"_s).toObject().value(u"type"_s).toString(), u"update"_s);
    QCOMPARE(state.value(u"data"_s).toObject().value(u"ready"_s).toBool(), true);
}

void TestHttpApi::staticFiles()
{
    auto response = get(m_port, "/");
    QCOMPARE(response.status, 200);
    QVERIFY(response.headers.value("content-type").startsWith("text/html"));
    QCOMPARE(response.headers.value("cache-control"), QByteArray("no-cache"));
    QVERIFY(response.body.contains("<html"));
    response = get(m_port, "/index.html");
    QCOMPARE(response.status, 200);

    for (const QByteArray &target :
         {QByteArray("/nope.js"), QByteArray("/../../etc/passwd"), QByteArray("/%2e%2e/%2e%2e/etc/passwd"),
          QByteArray("/a/../index.html"), QByteArray("/..%2f..%2fetc%2fpasswd"), QByteArray("/index.html%00.js")}) {
        response = get(m_port, target);
        QVERIFY2(response.status == 404, target.constData());
        QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
        QVERIFY(!response.body.contains("root:"));
    }

    QCOMPARE(server::StaticFiles::mimeType(u"a.html"_s), QByteArray("text/html; charset=utf-8"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.js"_s), QByteArray("text/javascript; charset=utf-8"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.mjs"_s), QByteArray("text/javascript; charset=utf-8"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.css"_s), QByteArray("text/css; charset=utf-8"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.json"_s), QByteArray("application/json"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.svg"_s), QByteArray("image/svg+xml"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.png"_s), QByteArray("image/png"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.ico"_s), QByteArray("image/x-icon"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.woff2"_s), QByteArray("font/woff2"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.map"_s), QByteArray("application/json"));
    QCOMPARE(server::StaticFiles::mimeType(u"a.bin"_s), QByteArray("application/octet-stream"));

    // Non-HTML files get a short max-age.
    const server::StaticFiles files;
    const QString root = files.root();
    QDir resources(root);
    const QStringList entries = resources.entryList(QDir::Files);
    for (const QString &name : entries) {
        if (name.endsWith(u".html"_s))
            continue;
        response = get(m_port, "/" + name.toUtf8());
        QCOMPARE(response.status, 200);
        QCOMPARE(response.headers.value("cache-control"), QByteArray("public, max-age=300"));
        QCOMPARE(response.headers.value("content-type"), server::StaticFiles::mimeType(name));
    }
}

void TestHttpApi::methodsAndUnknownPaths()
{
    auto response = get(m_port, "/start-training");
    QCOMPARE(response.status, 405);
    QCOMPARE(response.headers.value("allow"), QByteArray("POST"));
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    QCOMPARE(post(m_port, "/status").status, 405);
    response = post(m_port, "/no-such-endpoint");
    QCOMPARE(response.status, 404);
    QCOMPARE(response.json().value(u"status"_s).toString(), u"error"_s);
    response = get(m_port, "/ws");
    QCOMPARE(response.status, 426);
    QVERIFY(!m_session->isTraining()); // nothing above started anything
}

void TestHttpApi::teachingMomentSwitches_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messageHas"); // the error names the problem
    QTest::newRow("one off") << QByteArray("plateau=off") << 200 << QString();
    QTest::newRow("two") << QByteArray("divergence=off&epoch_end=on") << 200 << QString();
    QTest::newRow("upper case value") << QByteArray("dead_units=OFF") << 200 << QString();
    QTest::newRow("unknown moment") << QByteArray("plateau=off&boredom=off") << 400 << u"'boredom'"_s;
    QTest::newRow("bad value") << QByteArray("plateau=maybe") << 400 << u"plateau must be on or off, got 'maybe'"_s;
    QTest::newRow("empty value") << QByteArray("plateau=") << 400 << u"plateau must be on or off"_s;
    QTest::newRow("twice") << QByteArray("plateau=off&plateau=on") << 400 << u"'plateau'"_s;
    QTest::newRow("nothing") << QByteArray() << 400 << u"at least one"_s;
}

void TestHttpApi::teachingMomentSwitches()
{
    QFETCH(QByteArray, query);
    QFETCH(int, status);
    QFETCH(QString, messageHas);
    const auto response = post(m_port, "/set-teaching-moments" + (query.isEmpty() ? QByteArray() : "?" + query));
    QCOMPARE(response.status, status);
    const QJsonObject answer = response.json();
    const QJsonObject inSettings
        = get(m_port, "/api/state").json().value(u"settings"_s).toObject().value(u"teaching_moments"_s).toObject();
    QCOMPARE(inSettings.size(), 8);
    if (status != 200) {
        QCOMPARE(answer.value(u"status"_s).toString(), u"error"_s);
        QVERIFY2(answer.value(u"message"_s).toString().contains(messageHas),
                 qPrintable(answer.value(u"message"_s).toString()));
        for (const auto &on : inSettings) // nothing changed
            QCOMPARE(on.toBool(), true);
        return;
    }
    QCOMPARE(answer.value(u"status"_s).toString(), u"updated"_s);
    QCOMPARE(answer.value(u"teaching_moments"_s).toObject(), inSettings); // the answer is the new settings
    const QUrlQuery parsed{QString::fromLatin1(query)};
    for (const auto &[name, value] : parsed.queryItems()) {
        QCOMPARE(inSettings.value(name).toBool(), value.toLower() == u"on"_s);
        core::TeachingMomentKind kind = core::TeachingMomentKind::FirstForward;
        QVERIFY(core::teachingMomentKindFromReason(name.toStdString(), &kind));
        QCOMPARE(m_session->teachingMomentEnabled(kind), value.toLower() == u"on"_s);
    }
    QCOMPARE(inSettings.value(u"first_forward"_s).toBool(), true);
}

// first_forward switched off: the run's first pause is first_backward; the switch is on the
// session itself too (its API and the settings).
void TestHttpApi::switchedOffMomentDoesNotPause()
{
    m_session->execute(server::Command::teachingMode(true));
    QCOMPARE(post(m_port, "/set-teaching-moments?first_forward=off").status, 200);
    QVERIFY(!m_session->teachingMomentEnabled(core::TeachingMomentKind::FirstForward));
    QVERIFY(!m_session->settings().teachingMoments[std::size_t(core::TeachingMomentKind::FirstForward)]);
    QSignalSpy moments(m_session.get(), &server::Session::pauseMomentReached);
    trainToCompletion();
    QVERIFY(moments.count() >= 2);
    QStringList reasons;
    for (const auto &arguments : std::as_const(moments))
        reasons << arguments.first().value<server::PauseMoment>().reason;
    QVERIFY2(!reasons.contains(u"first_forward"_s), qPrintable(reasons.join(u',')));
    QCOMPARE(reasons.first(), u"first_backward"_s);
    QVERIFY2(reasons.contains(u"epoch_end"_s), qPrintable(reasons.join(u',')));
    QCOMPARE(m_session->setTeachingMomentEnabled(core::TeachingMomentKind::FirstForward, true).status, u"updated"_s);
    QVERIFY(m_session->teachingMomentEnabled(core::TeachingMomentKind::FirstForward));
}

void TestHttpApi::verdictInStateAfterARun()
{
    QVERIFY(get(m_port, "/api/state").json().value(u"verdict"_s).isNull()); // no run yet
    trainToCompletion();
    const QJsonObject verdict = get(m_port, "/api/state").json().value(u"verdict"_s).toObject();
    QCOMPARE(verdict.value(u"outcome"_s).toString(), u"learned"_s);
    const double accuracy = verdict.value(u"test_accuracy"_s).toDouble();
    QCOMPARE(accuracy, double(m_session->lastVerdict()->testAccuracy));
    QCOMPARE(float(accuracy), m_session->history().testAccuracy.last());
    QVERIFY(verdict.value(u"final_loss"_s).toDouble() < verdict.value(u"initial_loss"_s).toDouble());
    QVERIFY(verdict.value(u"dead_fraction"_s).toDouble() >= 0);
    QVERIFY2(verdict.value(u"reason"_s).toString().contains(u"%1%"_s.arg(100 * accuracy, 0, 'f', 1)),
             qPrintable(verdict.value(u"reason"_s).toString()));
}

void TestHttpApi::glossaryAndJourney()
{
    for (const auto &[path, resource] :
         {std::pair{"/api/glossary", ":/journey/glossary.json"}, std::pair{"/api/journey", ":/journey/journey.json"}}) {
        QFile file(QString::fromLatin1(resource));
        QVERIFY2(file.open(QIODevice::ReadOnly), resource);
        const auto response = get(m_port, path);
        QCOMPARE(response.status, 200);
        QVERIFY(response.headers.value("content-type").startsWith("application/json"));
        QCOMPARE(response.body, file.readAll()); // the same bytes
        QJsonParseError error;
        QJsonDocument::fromJson(response.body, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(post(m_port, path).status, 405);
    }
    const QJsonObject glossary = get(m_port, "/api/glossary").json();
    const QJsonArray terms = glossary.value(u"terms"_s).toArray();
    QCOMPARE(terms.size(), 18);
    for (const auto &term : terms) {
        for (const QString &key : {u"id"_s, u"term"_s, u"plain"_s, u"formula"_s})
            QVERIFY2(!term.toObject().value(key).toString().isEmpty(), qPrintable(key));
    }
    const QJsonObject journey = get(m_port, "/api/journey").json();
    const QJsonArray chapters = journey.value(u"chapters"_s).toArray();
    QCOMPARE(chapters.size(), 5);
    QStringList tasks;
    for (const auto &chapter : chapters) {
        QCOMPARE(chapter.toObject().value(u"tasks"_s).toArray().size(), 3);
        for (const auto &task : chapter.toObject().value(u"tasks"_s).toArray())
            tasks << task.toString();
    }
    QVERIFY(tasks.contains(u"see-plateau-or-stuck"_s));
    QCOMPARE(journey.value(u"achievements"_s).toArray().size(), 7);
    QCOMPARE(journey.value(u"achievements"_s).toArray()[1].toObject().value(u"threshold"_s).toDouble(), 0.90);
}

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_httpapi.moc"

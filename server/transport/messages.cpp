#include "messages.h"

#include "binarywire.h"
#include "jsonwriter.h"
#include "session.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace server::messages {

namespace {
void appendStats(QByteArray &out, const core::BatchReport &report)
{
    out += "{\"epoch\":";
    json::appendInt(out, report.epoch);
    out += ",\"batch\":";
    json::appendInt(out, report.batch);
    out += ",\"batches_per_epoch\":";
    json::appendInt(out, report.batchesPerEpoch);
    out += ",\"epochs\":";
    json::appendInt(out, report.epochs);
    out += ",\"loss\":";
    json::appendFloat(out, report.loss);
    out += ",\"accuracy\":";
    json::appendFloat(out, report.accuracy);
    out += ",\"learning_rate\":";
    json::appendFloat(out, report.learningRate);
    out += '}';
}

// The members an update and a pause moment share (without braces).
QByteArray nameList(const QStringList &names)
{
    QByteArray list = "[";
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (i)
            list += ',';
        json::appendString(list, names[i]);
    }
    return list + ']';
}

// The big number arrays of a message: written into its JSON text, or (binary wire) kept aside
// for the frame that follows the JSON header (binarywire.h).
struct ArrayGroups
{
    bool binary = false;
    QStringList names;
    std::vector<std::pair<wire::Coding, const std::vector<std::vector<float>> *>> groups;

    void add(QByteArray &out, const char *key, const std::vector<std::vector<float>> &arrays, wire::Coding coding)
    {
        if (!binary) {
            json::appendKey(out, key);
            json::appendFloatArrays(out, arrays, kVisualDigits);
            return;
        }
        names.append(QString::fromLatin1(key));
        groups.emplace_back(coding, &arrays);
    }
    // `json` is the whole message text without the arrays.
    QByteArray finish(QByteArray json) const
    {
        if (!binary)
            return json;
        json::appendRawMember(json, "arrays", nameList(names));
        wire::FrameWriter frame(json, 4096);
        for (const auto &[coding, arrays] : groups)
            frame.addGroup(coding, *arrays);
        return frame.take();
    }
};

void appendVisuals(QByteArray &out, const BatchUpdate &update, ArrayGroups &arrays)
{
    const core::BatchReport &report = *update.report;
    json::appendKey(out, "stats");
    appendStats(out, report);
    arrays.add(out, "activations", report.focusActivations, wire::Coding::Linear8);
    arrays.add(out, "gradients", report.neuronGradients, wire::Coding::Log8);
    json::appendKey(out, "label");
    json::appendInt(out, report.focusLabel);
    json::appendKey(out, "prediction");
    json::appendInt(out, report.focusPrediction);
    json::appendKey(out, "server_time");
    json::appendDouble(out, update.serverTimeMs);
    json::appendKey(out, "seq");
    json::appendInt(out, qint64(update.sequence));
}

QJsonObject dataStatus(const DataStatus &status)
{
    return {{u"ready"_s, status.ready}, {u"loaded"_s, status.loaded}, {u"downloading"_s, status.downloading}};
}

QByteArray floatList(const QVector<float> &values)
{
    QByteArray out;
    json::appendFloats(out, values.constData(), values.size());
    return out;
}

// The verdict the clients show: only once the run is over (idle), null otherwise.
QJsonValue verdictValue(const Session &session)
{
    const auto last = session.lastVerdict();
    if (!last || session.runState() != RunState::Idle)
        return QJsonValue::Null;
    return verdict(*last);
}

// A learning rate as typed: 0.01, 0.5, 0.0003 (no exponent, no trailing zeros).
QString rateText(float value)
{
    QString text = QString::number(value, 'f', 6);
    while (text.endsWith(u'0'))
        text.chop(1);
    if (text.endsWith(u'.'))
        text.chop(1);
    return text;
}
} // namespace

QJsonArray architectureSizes(const core::Architecture &architecture)
{
    QJsonArray sizes;
    for (int size : architecture.sizes)
        sizes.append(size);
    return sizes;
}

QJsonArray activationNames(const core::Architecture &architecture)
{
    QJsonArray names;
    for (core::Activation activation : architecture.activations)
        names.append(QString::fromStdString(core::activationName(activation)));
    return names;
}

QJsonObject settings(const SessionSettings &settings)
{
    QJsonObject teachingMoments;
    for (core::TeachingMomentKind kind : core::allTeachingMomentKinds())
        teachingMoments.insert(QString::fromStdString(core::teachingMomentReason(kind)),
                               settings.teachingMoments[std::size_t(kind)]);
    return {{u"learning_rate"_s, json::floatValue(settings.learningRate)},
            {u"batch_delay"_s, settings.batchDelayMs},
            {u"batch_size"_s, settings.batchSize},
            {u"epochs"_s, settings.epochs},
            {u"teaching_mode"_s, settings.teachingMode},
            {u"teaching_moments"_s, teachingMoments},
            {u"speed"_s, speedModeName(settings.speed)},
            {u"pace"_s, settings.pace},
            {u"optimizer"_s, QString::fromStdString(core::optimizerName(settings.optimizer))}};
}

QJsonObject seedStatus(const SessionStats &stats)
{
    return {{u"training"_s, stats.training},
            {u"epoch"_s, stats.epoch},
            {u"batch"_s, stats.batch},
            {u"loss"_s, json::floatValue(stats.loss)},
            {u"accuracy"_s, json::floatValue(stats.accuracy)}};
}

QByteArray weightsList(const core::Network &network)
{
    QByteArray out;
    out.reserve(int(network.parameterCount()) * 11 + 256);
    out += '[';
    const core::Architecture &architecture = network.architecture();
    for (int i = 0; i < network.layerCount(); ++i) {
        const core::DenseLayer &layer = network.layer(i);
        const core::Matrix &weights = layer.weights(); // (out, in), column-major
        if (i)
            out += ',';
        out += "{\"type\":\"Dense\",\"weights\":[";
        for (int input = 0; input < layer.inputSize(); ++input) {
            if (input)
                out += ',';
            // Column `input` of W is contiguous: the row the original sends for that input.
            json::appendFloats(out, weights.data() + qsizetype(input) * layer.outputSize(), layer.outputSize());
        }
        out += "],\"bias\":[";
        json::appendFloats(out, layer.bias().data(), layer.outputSize());
        out += "],\"inputSize\":";
        json::appendInt(out, layer.inputSize());
        out += ",\"outputSize\":";
        json::appendInt(out, layer.outputSize());
        out += '}';
        if (i + 1 < network.layerCount()) {
            out += ",{\"type\":";
            json::appendString(out, QString::fromStdString(core::activationTypeName(architecture.activations[i])));
            out += '}';
        }
    }
    out += ",{\"type\":\"Softmax\"}]";
    return out;
}

QByteArray update(const BatchUpdate &update, Wire wire)
{
    const core::BatchReport &report = *update.report;
    ArrayGroups arrays{wire == Wire::Binary, {}, {}};
    QByteArray out;
    out.reserve(wire == Wire::Binary ? 1024 : 16384);
    out += "{\"type\":\"update\"";
    appendVisuals(out, update, arrays);
    arrays.add(out, "mean_activations", report.meanActivations, wire::Coding::Linear8);
    json::appendKey(out, "layer_gradients");
    json::appendFloats(out, report.layerGradients);
    json::appendKey(out, "weight_stats");
    out += '[';
    for (std::size_t i = 0; i < report.weightStatistics.size(); ++i) {
        const core::WeightStatistics &w = report.weightStatistics[i];
        out += i ? ",{\"mean\":" : "{\"mean\":";
        json::appendFloat(out, w.mean);
        out += ",\"std\":";
        json::appendFloat(out, w.standardDeviation);
        out += ",\"min\":";
        json::appendFloat(out, w.minimum);
        out += ",\"max\":";
        json::appendFloat(out, w.maximum);
        out += '}';
    }
    out += "]}";
    return arrays.finish(std::move(out));
}

QByteArray pauseMoment(const PauseMoment &moment, Wire wire)
{
    ArrayGroups arrays{wire == Wire::Binary, {}, {}};
    QByteArray out;
    out += "{\"type\":\"pause_moment\",\"reason\":";
    json::appendString(out, moment.reason);
    json::appendKey(out, "message");
    json::appendString(out, teachingText(moment.moment));
    json::appendKey(out, "duration");
    json::appendDouble(out, moment.durationSeconds);
    json::appendKey(out, "deadline_ms");
    json::appendDouble(out, moment.deadlineMs);
    appendVisuals(out, moment.update, arrays);
    json::appendKey(out, "loss_history");
    json::appendFloats(out, moment.lossHistory.constData(), moment.lossHistory.size());
    json::appendKey(out, "focus_output_gradient");
    json::appendFloats(out, moment.moment.focusOutputGradient);
    out += '}';
    json::appendRawMember(out, "data", json::compact(momentData(moment.moment)));
    return arrays.finish(std::move(out));
}

QJsonObject momentData(const core::TeachingMoment &m)
{
    using json::floatValue;
    switch (m.kind) {
    case core::TeachingMomentKind::FirstForward:
    case core::TeachingMomentKind::FirstBackward:
    case core::TeachingMomentKind::HighLoss:
        return {{u"label"_s, m.label},
                {u"guess"_s, m.guess},
                {u"confidence"_s, floatValue(m.confidence)},
                {u"loss"_s, floatValue(m.loss)},
                {u"accuracy"_s, floatValue(m.accuracy)},
                {u"learning_rate"_s, floatValue(m.learningRate)},
                {u"batch_size"_s, m.batchSize},
                {u"global_batch"_s, m.globalBatch},
                {u"strongest_layer"_s, m.strongestLayer},
                {u"strongest_gradient"_s, floatValue(m.strongestGradient)}};
    case core::TeachingMomentKind::Divergence:
        return {{u"loss"_s, floatValue(m.loss)},       {u"min_loss"_s, floatValue(m.minLoss)},
                {u"min_loss_batch"_s, m.minLossBatch}, {u"rising_batches"_s, m.risingBatches},
                {u"non_finite"_s, m.nonFinite},        {u"learning_rate"_s, floatValue(m.learningRate)},
                {u"global_batch"_s, m.globalBatch}};
    case core::TeachingMomentKind::Plateau:
        return {{u"loss"_s, floatValue(m.loss)},
                {u"loss_before"_s, floatValue(m.lossBefore)},
                {u"batches"_s, m.windowBatches},
                {u"learning_rate"_s, floatValue(m.learningRate)},
                {u"global_batch"_s, m.globalBatch}};
    case core::TeachingMomentKind::EpochEnd:
        return {{u"epoch"_s, m.epoch},
                {u"train_accuracy"_s, floatValue(m.trainAccuracy)},
                {u"test_accuracy"_s, floatValue(m.testAccuracy)},
                {u"train_loss"_s, floatValue(m.trainLoss)},
                {u"test_loss"_s, floatValue(m.testLoss)},
                {u"global_batch"_s, m.globalBatch}};
    case core::TeachingMomentKind::DeadUnits:
        return {{u"layer"_s, m.layer}, {u"dead"_s, m.dead},
                {u"units"_s, m.units}, {u"fraction"_s, floatValue(m.fraction)},
                {u"epoch"_s, m.epoch}, {u"global_batch"_s, m.globalBatch}};
    case core::TeachingMomentKind::ConfidentMistake:
        return {{u"label"_s, m.label},
                {u"guess"_s, m.guess},
                {u"confidence"_s, floatValue(m.confidence)},
                {u"runner_up"_s, m.runnerUp},
                {u"runner_up_probability"_s, floatValue(m.runnerUpProbability)},
                {u"true_probability"_s, floatValue(m.trueProbability)},
                {u"global_batch"_s, m.globalBatch}};
    }
    return {};
}

QJsonObject verdict(const core::Verdict &v)
{
    return {{u"outcome"_s, QString::fromStdString(core::verdictOutcomeName(v.outcome))},
            {u"test_accuracy"_s, json::floatValue(v.testAccuracy)},
            {u"initial_loss"_s, json::floatValue(v.initialLoss)},
            {u"final_loss"_s, json::floatValue(v.finalLoss)},
            {u"dead_fraction"_s, json::floatValue(v.deadFraction)},
            {u"reason"_s, QString::fromStdString(v.reason)}};
}

QByteArray commandResult(const QString &command, const CommandResult &result)
{
    QJsonObject object{{u"type"_s, u"command_result"_s}, {u"command"_s, command}, {u"status"_s, result.status}};
    if (!result.message.isEmpty())
        object.insert(u"message"_s, result.message);
    switch (result.error) {
    case ErrorKind::None: break;
    case ErrorKind::InvalidArgument: object.insert(u"error"_s, u"invalid_argument"_s); break;
    case ErrorKind::Conflict: object.insert(u"error"_s, u"conflict"_s); break;
    case ErrorKind::Unavailable: object.insert(u"error"_s, u"unavailable"_s); break;
    }
    return json::compact(object);
}

QString outcomeName(Session::RunOutcome outcome)
{
    switch (outcome) {
    case Session::RunOutcome::None: return u"none"_s;
    case Session::RunOutcome::Finished: return u"finished"_s;
    case Session::RunOutcome::Stopped: return u"stopped"_s;
    case Session::RunOutcome::Failed: return u"failed"_s;
    }
    return u"none"_s;
}

QByteArray runState(const Session &session)
{
    return json::compact({{u"type"_s, u"run_state"_s},
                          {u"state"_s, runStateName(session.runState())},
                          {u"run_id"_s, double(session.runId())},
                          {u"last_outcome"_s, outcomeName(session.lastOutcome())},
                          {u"training"_s, session.isTraining()},
                          {u"paused"_s, session.isPaused()},
                          {u"pause_reason"_s, session.pauseReason()},
                          {u"verdict"_s, verdictValue(session)}});
}

QString teachingText(const core::TeachingMoment &m)
{
    const auto number = [](double value, int decimals) { return QString::number(value, 'f', decimals); };
    switch (m.kind) {
    case core::TeachingMomentKind::FirstForward:
        return u"First forward pass: %1 images flowed through %2. For this %3 the untrained network guessed %4 "
               "(%5% sure). Batch loss %6 — random guessing over 10 digits gives about 2.303."_s.arg(m.batchSize)
                   .arg(QString::fromStdString(m.architecture))
                   .arg(m.label)
                   .arg(m.guess)
                   .arg(number(100.0 * m.confidence, 1), number(m.loss, 3));
    case core::TeachingMomentKind::FirstBackward: {
        // "784-128-64-10 relu,relu": the dense layers are the sizes after the first.
        const int denseLayers = int(QString::fromStdString(m.architecture).section(u' ', 0, 0).count(u'-'));
        return u"First backward pass: the error flowed back from the outputs and every weight got a gradient. "
               "The largest mean gradient |dL/dz| is %1 in %2; with learning rate %3 each weight moves a "
               "small step downhill. Loss now %4."_s.arg(number(m.strongestGradient, 5))
                   .arg(m.strongestLayer == denseLayers ? u"the output layer"_s
                                                        : u"hidden layer %1"_s.arg(m.strongestLayer))
                   .arg(number(m.learningRate, 4), number(m.loss, 3));
    }
    case core::TeachingMomentKind::HighLoss:
        return u"The loss is still high: %1 after %2 batches (batch accuracy %3%). The network is still searching; "
               "if it stays high, the learning rate (%4) may be too small or too large."_s.arg(number(m.loss, 3))
                   .arg(m.globalBatch)
                   .arg(number(100.0 * m.accuracy, 1), number(m.learningRate, 4));
    case core::TeachingMomentKind::Divergence:
        if (m.nonFinite)
            return u"The loss blew up: at batch %1 it became too large to compute (its lowest was %2, at batch %3). "
                   "A learning rate of %4 takes steps so big that the numbers overflow, so training has to stop."_s
                       .arg(m.globalBatch)
                       .arg(number(m.minLoss, 2))
                       .arg(m.minLossBatch)
                       .arg(rateText(m.learningRate));
        return u"The loss is rising: %1 now, up from its lowest %2 at batch %3, for %4 batches in a row. A learning "
               "rate of %5 takes steps so big they overshoot."_s.arg(number(m.loss, 2), number(m.minLoss, 2))
                   .arg(m.minLossBatch)
                   .arg(m.risingBatches)
                   .arg(rateText(m.learningRate));
    case core::TeachingMomentKind::Plateau:
        return u"The loss has stalled: %1 now against %2 %3 batches ago, less than 1% lower. With a learning rate of "
               "%4 the steps may be too small to get anywhere."_s.arg(number(m.loss, 2), number(m.lossBefore, 2))
                   .arg(m.windowBatches)
                   .arg(rateText(m.learningRate));
    case core::TeachingMomentKind::EpochEnd:
        return u"Epoch %1 is done. On the test images, which it never trained on, the network reads %2% correctly "
               "(loss %3); on its training images during the epoch it got %4% (loss %5)."_s.arg(m.epoch)
                   .arg(number(100.0 * m.testAccuracy, 1), number(m.testLoss, 2), number(100.0 * m.trainAccuracy, 1),
                        number(m.trainLoss, 2));
    case core::TeachingMomentKind::DeadUnits:
        return u"%1 of the %2 units in hidden layer %3 (%4%) never fired on any test image: they are dead. A ReLU "
               "unit that outputs 0 for every input gets no gradient, so it cannot come back."_s.arg(m.dead)
                   .arg(m.units)
                   .arg(m.layer)
                   .arg(number(100.0 * m.fraction, 0));
    case core::TeachingMomentKind::ConfidentMistake:
        return u"A confident mistake: the network read this %1 as a %2 and was %3% sure. Its second choice was %4 "
               "(%5%); the right digit got only %6%."_s.arg(m.label)
                   .arg(m.guess)
                   .arg(number(100.0 * m.confidence, 1))
                   .arg(m.runnerUp)
                   .arg(number(100.0 * m.runnerUpProbability, 1), number(100.0 * m.trueProbability, 1));
    }
    return {};
}

QByteArray pauseResumed(const QString &reason)
{
    return json::compact({{u"type"_s, u"pause_resumed"_s}, {u"reason"_s, reason}});
}

QByteArray epochEnd(const core::EpochReport &report)
{
    QJsonArray confusion;
    for (const auto &row : report.confusion) {
        QJsonArray values;
        for (int count : row)
            values.append(count);
        confusion.append(values);
    }
    return json::compact({{u"type"_s, u"epoch_end"_s},
                          {u"epoch"_s, report.epoch},
                          {u"epochs"_s, report.epochs},
                          {u"test_loss"_s, json::floatValue(report.testLoss)},
                          {u"test_accuracy"_s, json::floatValue(report.testAccuracy)},
                          {u"train_loss"_s, json::floatValue(report.trainLoss)},
                          {u"train_accuracy"_s, json::floatValue(report.trainAccuracy)},
                          {u"train_seconds"_s, report.trainSeconds},
                          {u"confusion_matrix"_s, confusion}});
}

QByteArray trainingStarted(const Session &session)
{
    const SessionSettings current = session.settings();
    return json::compact({{u"type"_s, u"training_started"_s},
                          {u"run_id"_s, double(session.runId())},
                          {u"architecture"_s, architectureSizes(current.architecture)},
                          {u"activations_names"_s, activationNames(current.architecture)},
                          {u"settings"_s, settings(current)}});
}

QByteArray trainingComplete(const core::FinishReport &report, const QByteArray &weights)
{
    QJsonObject finalStats{{u"epochs"_s, report.epochsCompleted},
                           {u"final_loss"_s, json::floatValue(report.finalLoss)},
                           {u"final_accuracy"_s, json::floatValue(report.finalAccuracy)},
                           {u"test_accuracy"_s, json::floatValue(report.finalTestAccuracy)},
                           {u"train_seconds"_s, report.trainSeconds},
                           {u"samples_trained"_s, report.samplesTrained}};
    QByteArray out = json::compact({{u"type"_s, u"training_complete"_s},
                                    {u"message"_s, report.stopped ? u"Training stopped"_s : u"Training completed!"_s},
                                    {u"final_stats"_s, finalStats},
                                    {u"stopped"_s, report.stopped},
                                    {u"verdict"_s, verdict(report.verdict)}});
    json::appendRawMember(out, "weights", weights);
    return out;
}

QByteArray trainingCompleteBinary(const core::FinishReport &report, const core::Network &network)
{
    // The JSON message without its weights, plus their layout; the weights follow as float16.
    QByteArray header = trainingComplete(report, "null");
    QJsonArray layout;
    std::vector<const float *> weights, biases;
    std::vector<qsizetype> weightCounts, biasCounts;
    const core::Architecture &architecture = network.architecture();
    for (int i = 0; i < network.layerCount(); ++i) {
        const core::DenseLayer &layer = network.layer(i);
        layout.append(QJsonObject{
            {u"type"_s, u"Dense"_s}, {u"inputSize"_s, layer.inputSize()}, {u"outputSize"_s, layer.outputSize()}});
        if (i + 1 < network.layerCount())
            layout.append(QJsonObject{
                {u"type"_s, QString::fromStdString(core::activationTypeName(architecture.activations[i]))}});
        // Column `input` of W (out x in, column-major) is contiguous: the data is input-major,
        // the order of the JSON rows.
        weights.push_back(layer.weights().data());
        weightCounts.push_back(qsizetype(layer.inputSize()) * layer.outputSize());
        biases.push_back(layer.bias().data());
        biasCounts.push_back(layer.outputSize());
    }
    layout.append(QJsonObject{{u"type"_s, u"Softmax"_s}});
    json::appendRawMember(header, "weights_layout", QJsonDocument(layout).toJson(QJsonDocument::Compact));
    json::appendRawMember(header, "arrays", nameList({u"dense_weights"_s, u"dense_biases"_s}));
    wire::FrameWriter frame(header, 2 * qsizetype(network.parameterCount()) + 4096);
    frame.addGroup(wire::Coding::Float16, weights.data(), weightCounts.data(), qsizetype(weights.size()));
    frame.addGroup(wire::Coding::Float16, biases.data(), biasCounts.data(), qsizetype(biases.size()));
    return frame.take();
}

QByteArray settingsChanged(const Session &session)
{
    const SessionSettings current = session.settings();
    return json::compact({{u"type"_s, u"settings"_s},
                          {u"run_id"_s, double(session.runId())},
                          {u"settings"_s, settings(current)},
                          {u"architecture"_s, architectureSizes(current.architecture)},
                          {u"activations_names"_s, activationNames(current.architecture)}});
}

QByteArray viewers(int count)
{
    return json::compact({{u"type"_s, u"viewers"_s}, {u"count"_s, count}});
}

QByteArray downloadProgress(const QString &file, qint64 received, qint64 total, bool done)
{
    return json::compact({{u"type"_s, u"download_progress"_s},
                          {u"file"_s, file},
                          {u"received"_s, received},
                          {u"total"_s, total},
                          {u"done"_s, done}});
}

QByteArray error(const QString &message)
{
    return json::compact({{u"type"_s, u"error"_s}, {u"message"_s, message}});
}

QByteArray ofType(const char *type)
{
    return json::compact({{u"type"_s, QString::fromLatin1(type)}});
}

QByteArray state(const Session &session, int viewerCount, bool withType)
{
    const SessionSettings current = session.settings();
    const SessionStats stats = session.stats();
    QJsonObject object{{u"training"_s, stats.training},
                       {u"paused"_s, stats.paused},
                       {u"run_state"_s, runStateName(session.runState())},
                       {u"run_id"_s, double(session.runId())},
                       {u"last_outcome"_s, outcomeName(session.lastOutcome())},
                       {u"pause_reason"_s, session.pauseReason()},
                       {u"verdict"_s, verdictValue(session)},
                       {u"architecture"_s, architectureSizes(current.architecture)},
                       {u"activations_names"_s, activationNames(current.architecture)},
                       {u"parameter_count"_s, double(current.architecture.parameterCount())},
                       {u"settings"_s, settings(current)},
                       {u"stats"_s, QJsonObject{{u"epoch"_s, stats.epoch},
                                                {u"epochs"_s, stats.epochs},
                                                {u"batch"_s, stats.batch},
                                                {u"batches_per_epoch"_s, stats.batchesPerEpoch},
                                                {u"loss"_s, json::floatValue(stats.loss)},
                                                {u"accuracy"_s, json::floatValue(stats.accuracy)}}},
                       {u"has_weights"_s, session.hasTrainedWeights()},
                       {u"weights_version"_s, double(session.weightsVersion())},
                       {u"viewers"_s, viewerCount},
                       {u"data"_s, dataStatus(session.dataStatus())}};
    if (withType)
        object.insert(u"type"_s, u"state"_s);
    if (const auto confusion = session.confusion()) {
        QJsonArray rows;
        for (const auto &row : *confusion) {
            QJsonArray values;
            for (int count : row)
                values.append(count);
            rows.append(values);
        }
        object.insert(u"confusion_matrix"_s, rows);
    } else {
        object.insert(u"confusion_matrix"_s, QJsonValue::Null);
    }
    QByteArray out = json::compact(object);
    const TrainingHistory history = session.history();
    QByteArray historyText = "{\"loss\":" + floatList(history.loss) + ",\"accuracy\":" + floatList(history.accuracy)
                             + ",\"test_loss\":" + floatList(history.testLoss)
                             + ",\"test_accuracy\":" + floatList(history.testAccuracy)
                             + ",\"stride\":" + QByteArray::number(history.stride) + '}';
    json::appendRawMember(out, "history", historyText);
    const auto last = session.lastUpdate();
    json::appendRawMember(out, "last_update", last ? update(*last) : QByteArray("null"));
    // A client that joins during a teaching moment gets the card too.
    // Its "duration" is what is left of the pause now (a held moment keeps 0).
    QByteArray momentText = "null";
    if (const auto moment = session.pauseMoment()) {
        PauseMoment left = *moment;
        if (left.deadlineMs > 0)
            left.durationSeconds
                = std::max(0.1, (left.deadlineMs - double(QDateTime::currentMSecsSinceEpoch())) / 1000);
        momentText = pauseMoment(left);
    }
    json::appendRawMember(out, "pause_moment", momentText);
    return out;
}

QByteArray prediction(const core::Prediction &prediction, bool trained)
{
    QByteArray out = "{\"status\":\"ok\",\"digit\":";
    json::appendInt(out, prediction.digit);
    json::appendKey(out, "probabilities");
    json::appendFloats(out, prediction.probabilities.data(), qsizetype(prediction.probabilities.size()));
    json::appendKey(out, "activations");
    json::appendFloatArrays(out, prediction.layerActivations);
    json::appendKey(out, "trained");
    out += trained ? "true" : "false";
    out += '}';
    return out;
}

namespace {

QString captionPercent(float fraction)
{
    return QString::number(100.0 * fraction, 'f', 1) + u'%';
}

QString captionLoss(float value)
{
    return QString::number(value, 'f', 2);
}

} // namespace

QString captionKindName(core::CaptionKind kind)
{
    switch (kind) {
    case core::CaptionKind::EpochResult: return u"epoch_result"_s;
    case core::CaptionKind::LearningRateChanged: return u"learning_rate_changed"_s;
    case core::CaptionKind::LossRising: return u"loss_rising"_s;
    case core::CaptionKind::LossHalved: return u"loss_halved"_s;
    case core::CaptionKind::FocusMistake: return u"focus_mistake"_s;
    }
    return u"loss_halved"_s;
}

QString captionText(const core::Caption &c)
{
    switch (c.kind) {
    case core::CaptionKind::EpochResult:
        return u"Epoch %1 is done: the network reads %2 of the test images correctly — images it never "
               "trained on. On its training images during the epoch it got %3."_s.arg(c.epoch)
                   .arg(captionPercent(c.value), captionPercent(c.previous));
    case core::CaptionKind::LearningRateChanged: {
        QString text = u"The learning rate changed from %1 to %2"_s.arg(rateText(c.previous), rateText(c.value));
        if (c.previous > 0 && c.value > 0) {
            const double ratio = c.value / c.previous;
            if (ratio >= 1.05)
                text += u": every step is now %1 times bigger."_s.arg(QString::number(ratio, 'g', 3));
            else if (ratio <= 0.95)
                text += u": every step is now %1 times smaller."_s.arg(QString::number(1.0 / ratio, 'g', 3));
            else
                text += u'.';
        } else {
            text += u'.';
        }
        return text;
    }
    case core::CaptionKind::LossRising:
        return u"The loss is going up: %1 now (average of the last 20 batches), up from %2 at batch %3. "
               "If it keeps rising, the steps may be too big — try a smaller learning rate."_s.arg(captionLoss(c.value))
                   .arg(captionLoss(c.previous))
                   .arg(c.sinceBatch);
    case core::CaptionKind::LossHalved:
        return u"The loss has halved since batch %1: from %2 to %3 (average of the last 20 batches). "
               "The network gives the right digits higher probabilities."_s.arg(c.sinceBatch)
                   .arg(captionLoss(c.previous), captionLoss(c.value));
    case core::CaptionKind::FocusMistake:
        return u"The network read this %1 as a %2 (%3 sure). It gave the right digit, %1, only %4."_s.arg(c.label)
            .arg(c.guess)
            .arg(captionPercent(c.confidence), captionPercent(c.labelProbability));
    }
    return {};
}

QByteArray narration(const core::Caption &caption)
{
    return json::compact({{u"type"_s, u"narration"_s},
                          {u"kind"_s, captionKindName(caption.kind)},
                          {u"text"_s, captionText(caption)},
                          {u"batch"_s, caption.globalBatch},
                          {u"epoch"_s, caption.epoch},
                          {u"value"_s, json::floatValue(caption.value)},
                          {u"previous"_s, json::floatValue(caption.previous)},
                          {u"since_batch"_s, caption.sinceBatch},
                          {u"label"_s, caption.label},
                          {u"guess"_s, caption.guess},
                          {u"confidence"_s, json::floatValue(caption.confidence)},
                          {u"label_probability"_s, json::floatValue(caption.labelProbability)}});
}

} // namespace server::messages

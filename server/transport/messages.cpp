#include "messages.h"

#include "jsonwriter.h"
#include "session.h"

#include <QDateTime>

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
void appendVisuals(QByteArray &out, const BatchUpdate &update)
{
    const core::BatchReport &report = *update.report;
    json::appendKey(out, "stats");
    appendStats(out, report);
    json::appendKey(out, "activations");
    json::appendFloatArrays(out, report.focusActivations, kVisualDigits);
    json::appendKey(out, "gradients");
    json::appendFloatArrays(out, report.neuronGradients, kVisualDigits);
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
    return {{u"learning_rate"_s, json::floatValue(settings.learningRate)},
            {u"batch_delay"_s, settings.batchDelayMs},
            {u"batch_size"_s, settings.batchSize},
            {u"epochs"_s, settings.epochs},
            {u"teaching_mode"_s, settings.teachingMode},
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

QByteArray update(const BatchUpdate &update)
{
    const core::BatchReport &report = *update.report;
    QByteArray out;
    out.reserve(16384);
    out += "{\"type\":\"update\"";
    appendVisuals(out, update);
    json::appendKey(out, "mean_activations");
    json::appendFloatArrays(out, report.meanActivations, kVisualDigits);
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
    return out;
}

QByteArray pauseMoment(const PauseMoment &moment)
{
    QByteArray out;
    out += "{\"type\":\"pause_moment\",\"reason\":";
    json::appendString(out, moment.reason);
    json::appendKey(out, "message");
    json::appendString(out, teachingText(moment.moment));
    json::appendKey(out, "duration");
    json::appendDouble(out, moment.durationSeconds);
    json::appendKey(out, "deadline_ms");
    json::appendDouble(out, moment.deadlineMs);
    appendVisuals(out, moment.update);
    json::appendKey(out, "loss_history");
    json::appendFloats(out, moment.lossHistory.constData(), moment.lossHistory.size());
    out += '}';
    return out;
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
                          {u"pause_reason"_s, session.pauseReason()}});
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
    case core::TeachingMomentKind::FirstBackward:
        return u"First backward pass: the error flowed back from the outputs and every weight got a gradient. "
               "The largest mean gradient |dL/dz| is %1 in layer %2; with learning rate %3 each weight moves a "
               "small step downhill. Loss now %4."_s.arg(number(m.strongestGradient, 5))
                   .arg(m.strongestLayer)
                   .arg(number(m.learningRate, 4), number(m.loss, 3));
    case core::TeachingMomentKind::HighLoss:
        return u"The loss is still high: %1 after %2 batches (batch accuracy %3%). The network is still searching; "
               "if it stays high, the learning rate (%4) may be too small or too large."_s.arg(number(m.loss, 3))
                   .arg(m.globalBatch)
                   .arg(number(100.0 * m.accuracy, 1), number(m.learningRate, 4));
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
                                    {u"stopped"_s, report.stopped}});
    json::appendRawMember(out, "weights", weights);
    return out;
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

// A learning rate as typed: 0.01, 0.5, 0.0003 (no exponent, no trailing zeros).
QString captionRate(float value)
{
    QString text = QString::number(value, 'f', 6);
    while (text.endsWith(u'0'))
        text.chop(1);
    if (text.endsWith(u'.'))
        text.chop(1);
    return text;
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
        QString text = u"The learning rate changed from %1 to %2"_s.arg(captionRate(c.previous), captionRate(c.value));
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

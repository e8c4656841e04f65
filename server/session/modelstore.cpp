#include "modelstore.h"

#include "error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace server {

QString saveModelBytes(const QString &path, const QByteArray &bytes)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return u"Cannot create the model folder %1"_s.arg(info.absolutePath());
    if (info.exists()) {
        const QString backup = path + u".bak"_s;
        QFile::remove(backup);
        if (!QFile::copy(path, backup))
            return u"Cannot keep the previous model as %1"_s.arg(backup);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return u"Cannot write the model file %1: %2"_s.arg(path, file.errorString());
    if (file.write(bytes) != bytes.size() || !file.commit())
        return u"Cannot write the model file %1: %2"_s.arg(path, file.errorString());
    return {};
}

LoadedModel loadSavedModel(const QString &path)
{
    LoadedModel result;
    for (const QString &candidate : {path, path + u".bak"_s}) {
        QFile file(candidate);
        if (!file.exists())
            continue;
        if (!file.open(QIODevice::ReadOnly)) {
            result.problems << u"Cannot read the saved model %1: %2"_s.arg(candidate, file.errorString());
            continue;
        }
        const QByteArray bytes = file.readAll();
        try {
            core::ModelMetadata metadata;
            core::Network network = core::deserializeModel(bytes.toStdString(), candidate.toStdString(), &metadata);
            result.network = std::make_shared<core::Network>(std::move(network));
            result.metadata = metadata;
            result.source = candidate;
            return result;
        } catch (const core::Error &error) {
            result.problems << u"Skipped the saved model: %1"_s.arg(QString::fromStdString(error.what()));
        }
    }
    return result;
}

} // namespace server

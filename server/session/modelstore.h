// Autosave of the last model: atomic replace through QSaveFile, keeping the previous good copy
// as "<path>.bak", and loading with a fallback to that copy when the main file is damaged.
#pragma once

#include "modelfile.h"
#include "network.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace server {

struct LoadedModel
{
    std::shared_ptr<core::Network> network; // null when nothing usable was found
    core::ModelMetadata metadata;
    QString source; // the file it came from
    QStringList problems; // damaged/unreadable files that were skipped
};

// Writes `bytes` to `path` atomically; an existing file is first copied to "<path>.bak".
// Creates the folder. Returns an empty string on success, else the error text.
QString saveModelBytes(const QString &path, const QByteArray &bytes);
// Loads `path`, or "<path>.bak" when `path` is missing or broken. No file at all is not a problem.
LoadedModel loadSavedModel(const QString &path);

} // namespace server

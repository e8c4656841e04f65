// The class gallery: drawings participants submit from their phones or laptops, each with the
// shared network's prediction at the time it arrived. Kept in memory only, the newest kCapacity;
// each participant may submit kBurst drawings at once and then one per kRefillSeconds. The
// presenter may hide one, clear all, or show one in the 3D view (the hub's part).
#pragma once

#include "network.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <array>
#include <deque>
#include <vector>

namespace server {

struct GalleryItem
{
    quint64 id = 0;
    QString clientId;
    QString name; // the participant's display name when it submitted
    std::vector<float> pixels; // the 784 values the network saw, 0..1
    core::Prediction prediction; // digit and probabilities (no layer activations kept)
    qint64 atMs = 0;
};

class Gallery
{
public:
    static constexpr int kCapacity = 200;
    static constexpr int kBurst = 3;
    static constexpr double kRefillSeconds = 5;

    // Whether `clientId` may submit now; consumes one unit when it may. `retryAfterSeconds` says
    // how long until it may again when it may not.
    bool admit(const QString &clientId, qint64 nowMs, double *retryAfterSeconds = nullptr);
    // Adds an item (the caller validated and predicted); returns it. The oldest beyond
    // kCapacity is dropped: its id in `evicted`.
    const GalleryItem &add(GalleryItem item, std::vector<quint64> *evicted = nullptr);
    bool remove(quint64 id);
    void clear() { m_items.clear(); }
    const GalleryItem *find(quint64 id) const;
    const std::deque<GalleryItem> &items() const { return m_items; } // oldest first
    void forget(const QString &clientId) { m_buckets.remove(clientId); }

    // {"type":"gallery_item","id","client_id","name","pixels":[784],"prediction","probabilities":[10],"at_ms"}
    static QByteArray itemMessage(const GalleryItem &item);
    static QByteArray removedMessage(const std::vector<quint64> &ids, bool cleared);

private:
    struct Bucket
    {
        double tokens = kBurst;
        qint64 lastMs = 0;
    };
    std::deque<GalleryItem> m_items;
    QHash<QString, Bucket> m_buckets;
    quint64 m_nextId = 1;
};

} // namespace server

#include "gallery.h"

#include "jsonwriter.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace server {

bool Gallery::admit(const QString &clientId, qint64 nowMs, double *retryAfterSeconds)
{
    auto it = m_buckets.find(clientId);
    if (it == m_buckets.end())
        it = m_buckets.insert(clientId, Bucket{double(kBurst), nowMs});
    Bucket &bucket = *it;
    bucket.tokens = std::min<double>(kBurst, bucket.tokens + double(nowMs - bucket.lastMs) / 1000.0 / kRefillSeconds);
    bucket.lastMs = nowMs;
    if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return true;
    }
    if (retryAfterSeconds)
        *retryAfterSeconds = (1 - bucket.tokens) * kRefillSeconds;
    return false;
}

const GalleryItem &Gallery::add(GalleryItem item, std::vector<quint64> *evicted)
{
    item.id = m_nextId++;
    item.prediction.layerActivations.clear();
    m_items.push_back(std::move(item));
    while (m_items.size() > std::size_t(kCapacity)) {
        if (evicted)
            evicted->push_back(m_items.front().id);
        m_items.pop_front();
    }
    return m_items.back();
}

bool Gallery::remove(quint64 id)
{
    const auto it = std::find_if(m_items.begin(), m_items.end(), [&](const GalleryItem &i) { return i.id == id; });
    if (it == m_items.end())
        return false;
    m_items.erase(it);
    return true;
}

const GalleryItem *Gallery::find(quint64 id) const
{
    const auto it = std::find_if(m_items.begin(), m_items.end(), [&](const GalleryItem &i) { return i.id == id; });
    return it == m_items.end() ? nullptr : &*it;
}

QByteArray Gallery::itemMessage(const GalleryItem &item)
{
    QByteArray out;
    out.reserve(4096);
    out += "{\"type\":\"gallery_item\",\"id\":";
    json::appendInt(out, qint64(item.id));
    json::appendKey(out, "client_id");
    json::appendString(out, item.clientId);
    json::appendKey(out, "name");
    json::appendString(out, item.name);
    json::appendKey(out, "pixels");
    json::appendFloats(out, item.pixels, 3);
    json::appendKey(out, "prediction");
    json::appendInt(out, item.prediction.digit);
    json::appendKey(out, "probabilities");
    json::appendFloats(out, item.prediction.probabilities.data(), qsizetype(item.prediction.probabilities.size()), 4);
    json::appendKey(out, "at_ms");
    json::appendInt(out, item.atMs);
    out += '}';
    return out;
}

QByteArray Gallery::removedMessage(const std::vector<quint64> &ids, bool cleared)
{
    QByteArray out = "{\"type\":\"gallery_removed\",\"ids\":[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i)
            out += ',';
        json::appendInt(out, qint64(ids[i]));
    }
    out += "],\"cleared\":";
    out += cleared ? "true}" : "false}";
    return out;
}

} // namespace server

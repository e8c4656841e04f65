// The compact binary wire: the large WebSocket messages (update, pause_moment, the weights) for
// clients that ask for it. JSON stays the default; a binary frame carries the same message as a
// small JSON header (every scalar field, the same names as the JSON message) followed by its
// number arrays, quantised:
//   activations   8-bit linear between the array's own minimum and maximum
//   gradients     8-bit logarithmic magnitude with a sign bit
//   weights       IEEE half precision (float16)
// Frame layout, all integers little-endian (docs/protocol.md, "Binary frames"):
//   "NJB" 0x01                          magic and version
//   u32 H, H bytes                      the header: a UTF-8 JSON object; its "arrays" member lists
//                                       the names of the array groups that follow, in order
//   per group: u16 N, then N arrays     each: u32 M (values), u8 coding, the coding's data:
//     1 linear8   f32 min, f32 max, M × u8 q          value = min + q·(max−min)/255
//     2 log8      f32 lnMin, f32 lnMax, M × u8 q      q&0x7f = 0 → 0; else
//                                                     ±exp(lnMin + (q&0x7f − 1)·(lnMax−lnMin)/126),
//                                                     negative when q&0x80
//     3 float16   M × u16                             IEEE binary16
//     4 float32   M × f32
// Non-finite values: linear8 and log8 cannot carry them (they become the nearest finite end);
// float16 and float32 keep them.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace server::wire {

enum class Coding : std::uint8_t { Linear8 = 1, Log8 = 2, Float16 = 3, Float32 = 4 };

inline constexpr char kMagic[4] = {'N', 'J', 'B', 1};

// Builds one frame: the header first, then the groups in the order the header's "arrays" names.
class FrameWriter
{
public:
    explicit FrameWriter(QByteArrayView headerJson, qsizetype reserve = 4096);
    void addGroup(Coding coding, const std::vector<std::vector<float>> &arrays);
    void addGroup(Coding coding, const float *const *arrays, const qsizetype *sizes, qsizetype count);
    QByteArray take() { return std::move(m_out); }

private:
    void addArray(Coding coding, const float *values, qsizetype count);
    QByteArray m_out;
};

// A decoded frame (for tests and for C++ clients): the header text and each group's arrays,
// dequantised.
struct Frame
{
    QByteArray header;
    std::vector<std::vector<std::vector<float>>> groups;
};

// nullopt with `error` set when the bytes are not a well-formed frame (never reads past the end).
std::optional<Frame> decode(QByteArrayView bytes, QString *error = nullptr);

} // namespace server::wire

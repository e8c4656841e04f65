// A half-open range of indices [begin, end): the share of samples, pixels or weight columns one
// member of a ThreadTeam works on.
#pragma once

namespace core {

struct IndexRange
{
    int begin = 0;
    int end = 0;
    int size() const { return end - begin; }
};

} // namespace core

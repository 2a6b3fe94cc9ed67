#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/image/image_patches.h"
#include "core/library/photo_record.h"

namespace abc {

// One photo on its way from a decoder thread to the model.
struct PreparedPhoto {
    PhotoId photo = 0;
    std::string path;
    std::shared_ptr<const ImagePatches> patches;  // null when decoding failed
    std::string error;
};

// Bounded multi-producer / single-consumer queue; the bound is the indexing pipeline's
// memory cap. Thread-safety: every method may be called from any thread.
class PhotoQueue {
  public:
    explicit PhotoQueue(std::size_t capacity);

    // false when the queue was closed while waiting for room.
    bool push(PreparedPhoto item);
    // nullopt once every producer finished and the queue is empty, or it was closed.
    std::optional<PreparedPhoto> pop();
    // Non-blocking: an item if one is waiting right now.
    std::optional<PreparedPhoto> tryPop();
    void setProducers(int count);
    void producerDone();
    // Wakes every waiting producer and consumer; nothing more is handed out.
    void close();

  private:
    PreparedPhoto takeFront();  // with mutex_ held and an item waiting

    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable room_;
    std::deque<PreparedPhoto> items_;
    std::size_t capacity_;
    int producers_ = 0;
    bool closed_ = false;
};

}  // namespace abc

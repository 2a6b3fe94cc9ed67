#include "core/library/photo_queue.h"

#include <algorithm>

namespace abc {

PhotoQueue::PhotoQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

bool PhotoQueue::push(PreparedPhoto item) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) {
        return false;
    }
    items_.push_back(std::move(item));
    ready_.notify_one();
    return true;
}

std::optional<PreparedPhoto> PhotoQueue::pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty() || producers_ == 0; });
    if (closed_ || items_.empty()) {
        return std::nullopt;
    }
    return takeFront();
}

std::optional<PreparedPhoto> PhotoQueue::tryPop() {
    std::lock_guard lock(mutex_);
    if (items_.empty()) {
        return std::nullopt;
    }
    return takeFront();
}

PreparedPhoto PhotoQueue::takeFront() {
    PreparedPhoto item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return item;
}

void PhotoQueue::setProducers(int count) {
    std::lock_guard lock(mutex_);
    producers_ = count;
}

void PhotoQueue::producerDone() {
    std::lock_guard lock(mutex_);
    --producers_;
    ready_.notify_all();
}

void PhotoQueue::close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    room_.notify_all();
    ready_.notify_all();
}

}  // namespace abc

#include "ui/model_download_worker.h"

#include "core/hub/download_errors.h"
#include "core/hub/hub_client.h"
#include "core/io/error.h"

namespace abc::ui {

namespace {

using Failure = ModelDownloadWorker::Failure;

// HubError's status 0 is a hub that could not be reached; 401/403 a gated, private or
// unknown repository, which a token (or accepting its terms) mends.
Failure failureOfHubStatus(long status) {
    if (status == 0)
        return Failure::Offline;
    if (status == 401 || status == 403)
        return Failure::NotAuthorised;
    return Failure::Other;
}

}  // namespace

ModelDownloadWorker::ModelDownloadWorker(QObject* parent) : QObject(parent) {}

ModelDownloadWorker::~ModelDownloadWorker() {
    if (control_)
        control_->cancel();
    join();
}

void ModelDownloadWorker::join() {
    if (thread_.joinable())
        thread_.join();
}

void ModelDownloadWorker::start(ModelDownloadRequest request) {
    if (running_)
        return;
    join();  // the previous run has emitted its end; its thread is about to return
    running_ = true;
    control_ = std::make_unique<DownloadControl>();
    // Every signal is emitted on the GUI thread (queued to this object), so receivers, spies
    // and running_ see one order; a worker destroyed meanwhile drops what is still queued.
    const auto post = [this](auto emitOnGuiThread) {
        QMetaObject::invokeMethod(this, std::move(emitOnGuiThread), Qt::QueuedConnection);
    };
    thread_ = std::thread([this, post, control = control_.get(), request = std::move(request)] {
        const auto end = [this, post](auto emitEnd) {
            post([this, emitEnd] {
                running_ = false;
                emitEnd();
            });
        };
        const auto fail = [this, end](Failure failure, const std::exception& error) {
            end([this, failure, message = QString::fromUtf8(error.what())] {
                emit failed(failure, message);
            });
        };
        try {
            const auto results = downloadModel(request, *control, [&](const DownloadProgress& p) {
                post([this, p] { emit progressed(p); });
            });
            qint64 bytes = 0;
            for (const RepoDownloadResult& result : results)
                bytes += static_cast<qint64>(result.bytesOnDisk);
            end([this, bytes] { emit finished(bytes); });
        } catch (const Cancelled&) {
            end([this] { emit cancelled(); });
        } catch (const NotEnoughDiskSpace& e) {
            fail(Failure::DiskFull, e);
        } catch (const HubOfflineRefusal& e) {
            fail(Failure::Offline, e);
        } catch (const ChecksumMismatch& e) {
            fail(Failure::ChecksumMismatch, e);
        } catch (const HubError& e) {
            fail(failureOfHubStatus(e.status()), e);
        } catch (const std::exception& e) {
            fail(Failure::Other, e);
        }
    });
}

void ModelDownloadWorker::pause() {
    if (running_ && control_)
        control_->pause();
}

void ModelDownloadWorker::resume() {
    if (running_ && control_)
        control_->resume();
}

void ModelDownloadWorker::cancel() {
    if (running_ && control_)
        control_->cancel();
}

}  // namespace abc::ui

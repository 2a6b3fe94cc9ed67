#pragma once

#include <QFutureWatcher>
#include <QGroupBox>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/hub/model_download.h"

class QLabel;
class QPushButton;

namespace abc::ui {

// Settings' view of the model in the Hugging Face cache: each hub repository's revision and
// the commit it stands at, the size on disk, and "Verify", which hashes every LFS file again
// on a worker thread and says which, if any, is damaged.
class ModelCachePanel : public QGroupBox {
    Q_OBJECT

  public:
    // `optionalRepoIds`: the repositories the application runs without (the instruct
    // adapter), whose absence from the cache is not a problem.
    ModelCachePanel(std::vector<HubRepoRequest> repos, std::vector<std::string> optionalRepoIds,
                    QWidget* parent = nullptr);
    // Stops a verification in progress (it reads the whole model) and waits for it.
    ~ModelCachePanel() override;

    void verify();

  signals:
    void verified(bool allGood);

  private:
    struct Outcome {
        bool allGood = false;
        QString text;
    };
    void showStatus();
    void showOutcome();

    std::vector<HubRepoRequest> repos_;
    std::vector<std::string> optionalRepoIds_;
    QList<QLabel*> repoLabels_;
    QLabel* size_ = nullptr;
    QPushButton* verify_ = nullptr;
    QLabel* result_ = nullptr;
    QFutureWatcher<Outcome> verifying_;
    std::shared_ptr<std::atomic<bool>> stop_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace abc::ui

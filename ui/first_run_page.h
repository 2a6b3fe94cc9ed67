#pragma once

#include <QWidget>

#include "ui/app_settings.h"

class QPushButton;

namespace abc::ui {

class ModelDownloadPanel;
class ModelLocationRow;

// Shown instead of the library when the model cannot be found: what ABC needs, how big it is,
// where to point the application, and a download of it into the Hugging Face cache (which
// goes on to the library once every part is there).
class FirstRunPage : public QWidget {
    Q_OBJECT

  public:
    explicit FirstRunPage(const AppSettings& settings, QWidget* parent = nullptr);

    // The settings with the checkpoints as chosen on this page.
    AppSettings settings() const;
    bool isReady() const;
    QPushButton* continueButton() const { return continue_; }
    ModelDownloadPanel* downloadPanel() const { return download_; }

  signals:
    void modelsChosen();

  private:
    void updateReady();
    // Points the fields at the downloaded repositories and goes on as "Continue" would.
    void useDownload();

    AppSettings settings_;
    ModelLocationRow* base_ = nullptr;
    ModelLocationRow* pretrain_ = nullptr;
    ModelLocationRow* instruct_ = nullptr;
    ModelDownloadPanel* download_ = nullptr;
    QPushButton* continue_ = nullptr;
};

}  // namespace abc::ui

#pragma once

#include <QWidget>

#include "ui/app_settings.h"

class QPushButton;

namespace abc::ui {

class ModelLocationRow;

// Shown instead of the library when the model cannot be found: what ABC needs, how big it is,
// where to point the application, and the place a download button will take.
class FirstRunPage : public QWidget {
    Q_OBJECT

  public:
    explicit FirstRunPage(const AppSettings& settings, QWidget* parent = nullptr);

    // The settings with the checkpoints as chosen on this page.
    AppSettings settings() const;
    bool isReady() const;
    QPushButton* continueButton() const { return continue_; }

  signals:
    void modelsChosen();

  private:
    void updateReady();

    AppSettings settings_;
    ModelLocationRow* base_ = nullptr;
    ModelLocationRow* pretrain_ = nullptr;
    ModelLocationRow* instruct_ = nullptr;
    QPushButton* continue_ = nullptr;
};

}  // namespace abc::ui

#pragma once

#include <QDialog>

#include "core/model/device.h"
#include "ui/app_settings.h"

class QButtonGroup;
class QComboBox;
class QLabel;
class QRadioButton;

namespace abc::ui {

class LibraryUpkeepBox;
class ModelLocationRow;

// Model and performance settings: where the three checkpoints are, which device and precision
// run them, and how many image tokens a photo gets.
class SettingsDialog : public QDialog {
    Q_OBJECT

  public:
    SettingsDialog(const AppSettings& settings, RuntimeInfo runtime, QWidget* parent = nullptr);

    // The settings as edited (unchanged fields kept from the input).
    AppSettings settings() const;

  private:
    void updateEstimates();
    double assumedFlopsPerSecond() const;
    // The device a device setting means here ("" = the best available).
    QString deviceOf(const QString& setting) const;
    // The precision a precision setting means on `device` ("" or "auto": as the engine picks).
    static QString precisionOf(const QString& setting, const QString& device);

    AppSettings original_;
    RuntimeInfo runtime_;
    ModelLocationRow* base_ = nullptr;
    ModelLocationRow* pretrain_ = nullptr;
    ModelLocationRow* instruct_ = nullptr;
    QComboBox* device_ = nullptr;
    QComboBox* precision_ = nullptr;
    QButtonGroup* budget_ = nullptr;
    QList<QRadioButton*> budgetButtons_;
    LibraryUpkeepBox* upkeep_ = nullptr;
};

}  // namespace abc::ui

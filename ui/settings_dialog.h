#pragma once

#include <QDialog>

#include <memory>

#include "core/model/device.h"
#include "ui/app_settings.h"

class QButtonGroup;
class QComboBox;
class QLabel;
class QRadioButton;
class QScrollArea;
class QVBoxLayout;

namespace abc {
class LibraryStore;
}

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

    // Adds the list of the library's vector sets, `inUse` (the fingerprints searches and
    // indexing use now) marked and kept from removal.
    void showVectorSets(std::shared_ptr<LibraryStore> store, const QStringList& inUse);

  private:
    void updateEstimates();
    // As tall as the groups need, at most the screen's available height (they scroll then).
    void fitToScreen();
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
    QVBoxLayout* layout_ = nullptr;
    QScrollArea* scroll_ = nullptr;
};

}  // namespace abc::ui

#include "ui/settings_dialog.h"

#include <algorithm>

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QRadioButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>

#include "ui/indexing_estimate.h"
#include "ui/library_upkeep_box.h"
#include "ui/model_cache_panel.h"
#include "ui/model_hub_repos.h"
#include "ui/model_location_row.h"
#include "ui/vector_sets_box.h"

namespace abc::ui {

namespace {

QString formatBytes(std::int64_t bytes) {
    return QStringLiteral("%1 GB").arg(static_cast<double>(bytes) / 1e9, 0, 'f', 1);
}

QString formatSeconds(double seconds) {
    if (seconds < 1.0)
        return QObject::tr("%1 ms").arg(qRound(seconds * 1000));
    if (seconds < 120.0)
        return QObject::tr("%1 s").arg(seconds, 0, 'f', 1);
    return QObject::tr("%1 min").arg(seconds / 60.0, 0, 'f', 1);
}

}  // namespace

SettingsDialog::SettingsDialog(const AppSettings& settings, RuntimeInfo runtime, QWidget* parent)
    : QDialog(parent), original_(settings), runtime_(std::move(runtime)) {
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    setAccessibleName(tr("Model and performance settings"));

    auto* models = new QGroupBox(tr("Model"), this);
    auto* modelForm = new QFormLayout(models);
    base_ = new ModelLocationRow(CheckpointKind::BaseModel, tr("Base model"), models);
    pretrain_ =
        new ModelLocationRow(CheckpointKind::PretrainAdapter, tr("ABC pretrain adapter"), models);
    instruct_ =
        new ModelLocationRow(CheckpointKind::InstructAdapter, tr("ABC instruct adapter"), models);
    base_->setText(settings.baseModel);
    pretrain_->setText(settings.pretrainAdapter);
    instruct_->setText(settings.instructAdapter);
    modelForm->addRow(tr("Base model"), base_);
    modelForm->addRow(tr("Pretrain adapter"), pretrain_);
    modelForm->addRow(tr("Instruct adapter"), instruct_);

    auto* compute = new QGroupBox(tr("Computation"), this);
    auto* computeForm = new QFormLayout(compute);
    device_ = new QComboBox(compute);
    device_->setObjectName(QStringLiteral("deviceChoice"));
    device_->setAccessibleName(tr("Device"));
    for (const ComputeDevice& device : runtime_.devices) {
        QString label;
        if (device.id == "cpu") {
            label = tr("CPU (%1 threads)").arg(runtime_.cpuThreads);
        } else {
            label = tr("%1: %2, %3")
                        .arg(QString::fromStdString(device.id), QString::fromStdString(device.name),
                             formatBytes(device.memoryBytes));
        }
        device_->addItem(label, QString::fromStdString(device.id));
    }
    device_->setCurrentIndex(qMax(0, device_->findData(deviceOf(settings.device))));
    computeForm->addRow(tr("&Device"), device_);
    precision_ = new QComboBox(compute);
    precision_->setObjectName(QStringLiteral("precisionChoice"));
    precision_->setAccessibleName(tr("Precision"));
    precision_->addItem(tr("Automatic (float32 on the CPU, bfloat16 on CUDA)"),
                        QStringLiteral("auto"));
    precision_->addItem(tr("float32 (exact, twice the memory)"), QStringLiteral("float32"));
    precision_->addItem(tr("bfloat16 (as ABC runs)"), QStringLiteral("bfloat16"));
    precision_->setCurrentIndex(qMax(0, precision_->findData(settings.precision)));
    computeForm->addRow(tr("&Precision"), precision_);
    auto* torch =
        new QLabel(tr("libtorch %1, CUDA %2")
                       .arg(QString::fromStdString(runtime_.torchVersion),
                            runtime_.cudaAvailable ? tr("available") : tr("not available")),
                   compute);
    torch->setAccessibleName(tr("Runtime"));
    computeForm->addRow(tr("Runtime"), torch);

    auto* detail = new QGroupBox(tr("Image detail (tokens per photo)"), this);
    auto* detailLayout = new QVBoxLayout(detail);
    budget_ = new QButtonGroup(this);
    for (const ImageDetailPreset& preset : kImageDetailPresets) {
        auto* button = new QRadioButton(detail);
        button->setObjectName(QStringLiteral("budget_") + QLatin1String(preset.key));
        budget_->addButton(button, preset.tokens);
        budgetButtons_ << button;
        detailLayout->addWidget(button);
        if (preset.tokens == settings.imageTokens)
            button->setChecked(true);
    }
    if (!budget_->checkedButton())
        budgetButtons_[1]->setChecked(true);
    auto* note = new QLabel(tr("Changing the detail re-embeds the library the next time it is "
                               "indexed; searches only compare vectors made with the same "
                               "settings."),
                            detail);
    note->setWordWrap(true);
    detailLayout->addWidget(note);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(device_, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateEstimates);
    connect(precision_, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateEstimates);

    // The groups scroll when they are taller than the screen (a 1280x800 laptop); the buttons
    // stay in view.
    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);
    layout_ = layout;
    layout->addWidget(models);
    layout->addWidget(new ModelCachePanel(hubReposOfSettings(settings),
                                          optionalHubRepoIdsOfSettings(settings), this));
    layout->addWidget(compute);
    layout->addWidget(detail);
    upkeep_ = new LibraryUpkeepBox(settings, this);
    layout->addWidget(upkeep_);
    layout->addStretch(1);
    scroll_ = new QScrollArea(this);
    scroll_->setObjectName(QStringLiteral("settingsScroll"));
    scroll_->setAccessibleName(tr("Settings"));
    scroll_->setFrameShape(QFrame::NoFrame);
    scroll_->setWidgetResizable(true);
    scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll_->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->addWidget(scroll_, 1);
    outer->addWidget(buttons);
    updateEstimates();
    fitToScreen();
}

void SettingsDialog::fitToScreen() {
    const QWidget* content = scroll_->widget();
    const int bar = scroll_->verticalScrollBar()->sizeHint().width();
    const int width = std::max(720, content->sizeHint().width() + bar);
    int height = content->sizeHint().height() + layout()->spacing() +
                 layout()->contentsMargins().top() + layout()->contentsMargins().bottom() +
                 findChild<QDialogButtonBox*>()->sizeHint().height();
    if (const QScreen* shown = screen()) {
        // Room left for the window frame and a panel.
        height = std::min(height, shown->availableGeometry().height() - 80);
    }
    resize(width, height);
}

void SettingsDialog::showVectorSets(std::shared_ptr<LibraryStore> store, const QStringList& inUse) {
    // Under the library group, above the stretch and the buttons.
    auto* box = new VectorSetsBox(std::move(store), inUse, this);
    layout_->insertWidget(layout_->indexOf(upkeep_) + 1, box);
    fitToScreen();
}

QString SettingsDialog::deviceOf(const QString& setting) const {
    if (!setting.isEmpty())
        return setting;
    // "" is the best available: the first GPU, else the CPU.
    for (const ComputeDevice& device : runtime_.devices) {
        if (device.id != "cpu")
            return QString::fromStdString(device.id);
    }
    return QStringLiteral("cpu");
}

QString SettingsDialog::precisionOf(const QString& setting, const QString& device) {
    if (!setting.isEmpty() && setting != QLatin1String("auto"))
        return setting;
    return device == QLatin1String("cpu") ? QStringLiteral("float32") : QStringLiteral("bfloat16");
}

double SettingsDialog::assumedFlopsPerSecond() const {
    return abc::ui::assumedFlopsPerSecond(device_->currentData().toString(),
                                          precision_->currentData().toString(),
                                          runtime_.cpuThreads);
}

void SettingsDialog::updateEstimates() {
    // The rate measured holds for the device and precision it was measured on, "automatic"
    // settings taken as what they resolve to.
    const QString device = device_->currentData().toString();
    const QString measuredOn = deviceOf(original_.measuredDevice);
    const bool measured = original_.measuredSecondsPerToken > 0.0 && device == measuredOn &&
                          precisionOf(precision_->currentData().toString(), device) ==
                              precisionOf(original_.measuredPrecision, measuredOn);
    for (int i = 0; i < budgetButtons_.size(); ++i) {
        const ImageDetailPreset& preset = kImageDetailPresets[i];
        const double seconds =
            measured ? original_.measuredSecondsPerToken * (preset.tokens + 25)
                     : estimatedSecondsPerPhoto(preset.tokens, assumedFlopsPerSecond());
        budgetButtons_[i]->setText(tr("%1: up to %2 tokens, about %3 per photo%4")
                                       .arg(tr(preset.label))
                                       .arg(preset.tokens)
                                       .arg(formatSeconds(seconds))
                                       .arg(measured ? tr(" (measured)") : tr(" (estimate)")));
        budgetButtons_[i]->setAccessibleName(budgetButtons_[i]->text());
    }
}

AppSettings SettingsDialog::settings() const {
    AppSettings out = original_;
    out.baseModel = base_->text();
    out.pretrainAdapter = pretrain_->text();
    out.instructAdapter = instruct_->text();
    out.device = device_->currentData().toString();
    out.precision = precision_->currentData().toString();
    out.imageTokens = budget_->checkedId();
    upkeep_->applyTo(out);
    return out;
}

}  // namespace abc::ui

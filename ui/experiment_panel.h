#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>
#include <functional>

#include "ui/similarity_matrix.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace abc::ui {

class SimilarityHeatmap;

// Computes the matrix; runs on a worker thread and may throw std::exception with a message
// for the person (no model, unreadable image).
using ExperimentRunner = std::function<SimilarityMatrix(
    const QString& imagePath, const QStringList& instructions, const QStringList& candidates)>;

// ABC's own experiment, made interactive: one image, several instructions, several candidate
// texts, and how similar the instructed image embedding is to each text.
class ExperimentPanel : public QWidget {
    Q_OBJECT

  public:
    explicit ExperimentPanel(QWidget* parent = nullptr);
    ~ExperimentPanel() override;

    void setRunner(ExperimentRunner runner);
    // Shows the image once decoded off the GUI thread (previewShown follows).
    void setImagePath(const QString& path);
    // The photo selected in the grid ("" = none), which "Use selected photo" takes.
    void offerPhoto(const QString& path);
    const QString& imagePath() const { return imagePath_; }
    QStringList instructions() const;
    QStringList candidates() const;
    void setInstructions(const QStringList& lines);
    void setCandidates(const QStringList& lines);
    SimilarityHeatmap* heatmap() const { return heatmap_; }
    bool isComputing() const { return watcher_.isRunning(); }

    bool exportCsv(const QString& file) const;
    // The heatmap with a caption that names the image, as Export PNG writes it.
    QImage captionedHeatmap() const;
    bool exportPng(const QString& file) const;
    // The file names the export dialogs propose: the image's name in them.
    QString suggestedFileName(const QString& extension) const;
    // Why Compute is disabled, in words ("" when it is enabled).
    QString missingForCompute() const;

  public slots:
    void compute();

  signals:
    void computed(const abc::ui::SimilarityMatrix& matrix);
    void failed(const QString& message);
    // The preview of the image set last is on screen, or says why it cannot be.
    void previewShown(const QString& path);

  protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

  private:
    struct Outcome {
        SimilarityMatrix matrix;
        QString error;
    };
    void chooseImage();
    void onFinished();
    void updateActions();
    // An input changed: a matrix on screen no longer answers it, and the inputs are kept.
    void inputsChanged();
    void restoreInputs();

    ExperimentRunner runner_;
    QString imagePath_;
    QLabel* preview_ = nullptr;
    QLabel* imageName_ = nullptr;
    QPlainTextEdit* instructionsEdit_ = nullptr;
    QPlainTextEdit* candidatesEdit_ = nullptr;
    QPushButton* computeButton_ = nullptr;
    QPushButton* useSelected_ = nullptr;
    QLabel* computeHint_ = nullptr;
    QString offeredPhoto_;
    // Counts input changes: a computation that finishes after one answers old inputs.
    quint64 inputsVersion_ = 0;
    quint64 computedVersion_ = 0;
    bool restoring_ = false;
    QPushButton* exportCsvButton_ = nullptr;
    QPushButton* exportPngButton_ = nullptr;
    QLabel* status_ = nullptr;
    SimilarityHeatmap* heatmap_ = nullptr;
    QFutureWatcher<Outcome> watcher_;
    struct Preview {
        QString path;
        QImage image;
        QString error;
    };
    QFutureWatcher<Preview> previewWatcher_;
};

}  // namespace abc::ui

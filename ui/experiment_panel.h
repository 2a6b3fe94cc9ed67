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
    const QString& imagePath() const { return imagePath_; }
    QStringList instructions() const;
    QStringList candidates() const;
    void setInstructions(const QStringList& lines);
    void setCandidates(const QStringList& lines);
    SimilarityHeatmap* heatmap() const { return heatmap_; }
    bool isComputing() const { return watcher_.isRunning(); }

    bool exportCsv(const QString& file) const;
    bool exportPng(const QString& file) const;

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

    ExperimentRunner runner_;
    QString imagePath_;
    QLabel* preview_ = nullptr;
    QLabel* imageName_ = nullptr;
    QPlainTextEdit* instructionsEdit_ = nullptr;
    QPlainTextEdit* candidatesEdit_ = nullptr;
    QPushButton* computeButton_ = nullptr;
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

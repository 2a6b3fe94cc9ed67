#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;

namespace abc::ui {

// What a checkpoint field must hold: the base model or one of ABC's two adapters.
enum class CheckpointKind { BaseModel, PretrainAdapter, InstructAdapter };

struct CheckpointCheck {
    bool found = false;
    // Not there, and not needed: the instruct adapter serves only image+instruction searches,
    // so its absence is shown as a fact, not as an error.
    bool optionalAbsent = false;
    QString folder;  // where it resolved
    QString detail;  // one line for the person: where it was found, or what is missing
    QString reason;  // why an optional part counts as absent (the resolver's words), or empty
};

// How an absent optional part is described, in Settings, on the first-run page and in the
// model cache panel alike.
QString optionalAbsentText();

// Resolves a folder or hub id (Hugging Face cache) and checks the files the kind needs.
CheckpointCheck checkCheckpoint(const QString& folderOrHubId, CheckpointKind kind);

// One checkpoint field: the folder or hub id, a Browse button, and whether it resolves.
class ModelLocationRow : public QWidget {
    Q_OBJECT

  public:
    ModelLocationRow(CheckpointKind kind, const QString& title, QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);
    bool isFound() const { return check_.found; }
    const CheckpointCheck& check() const { return check_; }

  signals:
    void changed();

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void recheck();
    void colourStatus();

    CheckpointKind kind_;
    QString title_;
    QLineEdit* edit_ = nullptr;
    QLabel* status_ = nullptr;
    CheckpointCheck check_;
};

}  // namespace abc::ui
